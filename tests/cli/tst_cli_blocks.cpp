// `netwright-cli blocks`: the built-in blocks and the .nwblock files of the folder given by --dir;
// an unreadable file is named on stderr with its problem, and the exit code says so.
#include <QtTest>

#include <fstream>

#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "io/block_library.h"

class TestCliBlocks : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;

 private slots:
  void listsBuiltinsAndTheUsersFiles() {
    const QString dir = tmp_.path() + "/blocks";
    CliRun r = run_cli({"blocks", "--dir", dir});
    QVERIFY2(r.code == 0, r.all().c_str());
    for (const char* name :
         {"BasicBlock", "DownBlock", "Bottleneck", "BottleneckDown", "ConvBNReLU"})
      QVERIFY2(r.out.find(name) != std::string::npos, name);
    QVERIFY(r.out.find("channels=64, stride=2") != std::string::npos);  // DownBlock's defaults

    nw::io::BlockLibrary library(dir.toStdString());
    library.save(nw::io::builtin_blocks().back().graph, "ConvBNReLU");  // a user's copy
    r = run_cli({"blocks", "--dir", dir, "--json"});
    QVERIFY2(r.code == 0, r.all().c_str());
    const auto list = nlohmann::json::parse(r.out);
    QCOMPARE(list.size(), size_t(6));
    QCOMPARE(list.back()["builtin"], nlohmann::json(false));
    QCOMPARE(list.back()["path"].get<std::string>(), (dir + "/ConvBNReLU.nwblock").toStdString());

    std::ofstream((dir + "/broken.nwblock").toStdString()) << "{\"netwright_block\": 1,";
    r = run_cli({"blocks", "--dir", dir});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.find("broken.nwblock: 1 problem") != std::string::npos, r.all().c_str());
    QVERIFY(r.out.find("ConvBNReLU") != std::string::npos);  // the others are still listed
  }
};

QTEST_APPLESS_MAIN(TestCliBlocks)
#include "tst_cli_blocks.moc"
