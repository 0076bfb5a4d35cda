// The folders of core/ form layers, lowest first, in the order docs/architecture.md lists between
// its "core-layers" markers (the one list: this test reads it from there). Every #include in
// core/ is checked against it: a file may include its own folder and the folders listed before
// it; a folder marked (sealed) is included by no other folder (it registers itself); every
// folder of core/ must be listed; and no includes may close a cycle between folders. Each
// breach is reported as file:line, the include and the rule, so the fix is plain.
#include <QtTest>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

struct Layer {
  std::string name;
  bool sealed = false;
};

// The layer list between "<!-- core-layers:begin -->" and "<!-- core-layers:end -->": one
// folder per line, first word its name, "(sealed)" after the name for a sealed one; lines of
// ``` fences are skipped.
std::vector<Layer> read_layers(const fs::path& doc, std::string& error) {
  std::ifstream in(doc);
  if (!in) {
    error = "cannot read " + doc.string();
    return {};
  }
  std::vector<Layer> layers;
  std::string line;
  bool inside = false, closed = false;
  while (std::getline(in, line)) {
    if (line.find("<!-- core-layers:begin -->") != std::string::npos) {
      inside = true;
      continue;
    }
    if (line.find("<!-- core-layers:end -->") != std::string::npos) {
      closed = inside;
      break;
    }
    if (!inside || line.rfind("```", 0) == 0) continue;
    std::istringstream words(line);
    Layer l;
    std::string second;
    if (!(words >> l.name)) continue;
    l.sealed = (words >> second) && second == "(sealed)";
    layers.push_back(l);
  }
  if (!closed || layers.empty())
    error = doc.string() +
            ": no layer list between <!-- core-layers:begin --> and <!-- core-layers:end -->";
  return layers;
}

struct Include {
  std::string file;  // relative to core/
  int line = 0;
  std::string text;  // the quoted path
  std::string from, to;
};

// Every `#include "folder/..."` in core/ whose folder is a directory of core/.
std::vector<Include> read_includes(const fs::path& core, const std::set<std::string>& folders) {
  static const std::regex directive(R"(^\s*#\s*include\s*"([^"]+)\")");
  std::vector<Include> out;
  for (const auto& entry : fs::recursive_directory_iterator(core)) {
    if (!entry.is_regular_file()) continue;
    const std::string ext = entry.path().extension().string();
    if (ext != ".h" && ext != ".cpp" && ext != ".cuh" && ext != ".cu") continue;
    const fs::path rel = fs::relative(entry.path(), core);
    if (std::distance(rel.begin(), rel.end()) < 2) continue;  // core/CMakeLists.txt's level
    std::ifstream in(entry.path());
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
      ++number;
      std::smatch m;
      if (!std::regex_search(line, m, directive)) continue;
      const std::string path = m[1].str();
      const std::string to = path.substr(0, path.find('/'));
      if (path.find('/') == std::string::npos || !folders.count(to)) continue;
      out.push_back({rel.generic_string(), number, path, rel.begin()->string(), to});
    }
  }
  return out;
}

// The breaches of the rules in core/ against the layer list, one line each ("" when none).
std::vector<std::string> check_layering(const fs::path& core, const std::vector<Layer>& layers) {
  std::vector<std::string> breaches;
  std::map<std::string, size_t> rank;
  std::set<std::string> sealed;
  for (size_t i = 0; i < layers.size(); ++i) {
    rank[layers[i].name] = i;
    if (layers[i].sealed) sealed.insert(layers[i].name);
  }
  std::set<std::string> folders;
  for (const auto& entry : fs::directory_iterator(core))
    if (entry.is_directory()) folders.insert(entry.path().filename().string());
  for (const std::string& f : folders)
    if (!rank.count(f))
      breaches.push_back("core/" + f +
                         "/: folder missing from the layer list in docs/architecture.md; add it "
                         "where it belongs (above every folder it includes)");

  auto below = [&](size_t r) {
    std::string names;
    for (size_t i = 0; i < r; ++i) names += (names.empty() ? "" : ", ") + layers[i].name;
    return names.empty() ? std::string("none") : names;
  };
  // One include per edge between folders, for the cycle message.
  std::map<std::string, std::map<std::string, Include>> edges;
  for (const Include& inc : read_includes(core, folders)) {
    if (inc.from == inc.to) continue;
    edges[inc.from].emplace(inc.to, inc);
    const std::string where =
        "core/" + inc.file + ":" + std::to_string(inc.line) + ": #include \"" + inc.text + "\": ";
    if (sealed.count(inc.to)) {
      breaches.push_back(where + inc.to + "/ is sealed (it registers itself): no other folder " +
                         "includes it; reach it through the interface it registers");
      continue;
    }
    if (!rank.count(inc.from) || !rank.count(inc.to)) continue;  // reported above
    if (rank.at(inc.to) > rank.at(inc.from))
      breaches.push_back(where + inc.from + "/ may include only itself and the layers below it (" +
                         below(rank.at(inc.from)) + "); " + inc.to +
                         "/ is above it. Move the code, or invert the dependency (registration)");
  }

  // Cycles between folders: depth-first search, reporting each cycle once by its path.
  std::map<std::string, int> state;  // 0 new, 1 on the stack, 2 done
  std::vector<std::string> stack;
  std::function<void(const std::string&)> visit = [&](const std::string& f) {
    state[f] = 1;
    stack.push_back(f);
    for (const auto& [to, inc] : edges[f]) {
      if (state[to] == 1) {
        std::string path = to, steps;
        for (auto it = std::find(stack.begin(), stack.end(), to); it != stack.end(); ++it) {
          const std::string next = (it + 1 == stack.end()) ? to : *(it + 1);
          const Include& step = edges[*it].at(next);
          path += " -> " + next;
          steps += "\n    core/" + step.file + ":" + std::to_string(step.line) + " (" + *it +
                   " -> " + next + ")";
        }
        breaches.push_back("cycle between folders " + path + ", through:" + steps +
                           "\n    break one of these includes");
      } else if (state[to] == 0) {
        visit(to);
      }
    }
    stack.pop_back();
    state[f] = 2;
  };
  for (const auto& [from, tos] : edges)
    if (state[from] == 0) visit(from);
  return breaches;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string s;
  for (const std::string& l : lines) s += "\n  " + l;
  return s;
}

// A throwaway core/ tree for the checker's own tests.
class Tree {
 public:
  Tree() : root_(fs::temp_directory_path() / ("nw_layering_" + std::to_string(::getpid()))) {
    fs::remove_all(root_);
  }
  ~Tree() { fs::remove_all(root_); }
  void add(const std::string& file, const std::string& text) {
    fs::create_directories((root_ / file).parent_path());
    std::ofstream(root_ / file) << text;
  }
  const fs::path& root() const { return root_; }

 private:
  fs::path root_;
};

bool any_contains(const std::vector<std::string>& lines, const std::string& part) {
  for (const std::string& l : lines)
    if (l.find(part) != std::string::npos) return true;
  return false;
}

}  // namespace

class TestLayering : public QObject {
  Q_OBJECT

 private slots:
  // The real tree: no breach of the order in docs/architecture.md.
  void coreFollowsTheDocumentedOrder() {
    const fs::path root = fs::path(NW_FIXTURE_DIR).parent_path().parent_path();  // tests/fixtures
    std::string error;
    const std::vector<Layer> layers = read_layers(root / "docs" / "architecture.md", error);
    QVERIFY2(error.empty(), error.c_str());
    QVERIFY2(layers.size() >= 10, "the layer list looks truncated");
    const std::vector<std::string> breaches = check_layering(root / "core", layers);
    QVERIFY2(breaches.empty(), ("core/ breaks its layering:" + joined(breaches)).c_str());
  }

  // The checker itself, on a made-up tree: each rule fires, with the place and the rule.
  void checkerReportsEachRule() {
    Tree t;
    const std::vector<Layer> layers = {{"low"}, {"mid"}, {"plug", true}, {"high"}};
    t.add("low/a.h", "#pragma once\n#include <vector>\n#include \"low/b.h\"\n");
    t.add("mid/m.cpp",
          "#include \"low/a.h\"\n// a comment, not an include: #include \"high/h.h\"\n");
    t.add("high/h.cpp", "#include \"mid/m.h\"\n#include \"low/a.h\"\n");
    t.add("plug/p.cpp", "#include \"low/a.h\"\n");
    QVERIFY2(check_layering(t.root(), layers).empty(),
             joined(check_layering(t.root(), layers)).c_str());

    t.add("low/up.cpp", "#include <string>\n\n#include \"mid/m.h\"\n");  // against the order
    std::vector<std::string> b = check_layering(t.root(), layers);
    QVERIFY2(any_contains(b,
                          "core/low/up.cpp:3: #include \"mid/m.h\": low/ may include only "
                          "itself and the layers below it (none); mid/ is above it"),
             joined(b).c_str());
    // low -> mid -> low is a cycle, reported with both includes.
    QVERIFY2(any_contains(b, "cycle between folders "), joined(b).c_str());
    QVERIFY2(any_contains(b, "core/mid/m.cpp:1 (mid -> low)"), joined(b).c_str());
    QVERIFY2(any_contains(b, "core/low/up.cpp:3 (low -> mid)"), joined(b).c_str());

    fs::remove(t.root() / "low" / "up.cpp");
    t.add("high/x.cpp", "#include \"plug/p.h\"\n");  // a sealed folder named from outside
    t.add("extra/e.cpp", "#include \"low/a.h\"\n");  // a folder the list lacks
    b = check_layering(t.root(), layers);
    QVERIFY2(any_contains(b, "core/high/x.cpp:1: #include \"plug/p.h\": plug/ is sealed"),
             joined(b).c_str());
    QVERIFY2(any_contains(b, "core/extra/: folder missing from the layer list"), joined(b).c_str());
    QCOMPARE(b.size(), size_t(2));
  }

  void missingListIsAnError() {
    Tree t;
    t.add("doc.md", "# no list here\n");
    std::string error;
    QVERIFY(read_layers(t.root() / "doc.md", error).empty());
    QVERIFY2(error.find("no layer list") != std::string::npos, error.c_str());
  }
};

QTEST_APPLESS_MAIN(TestLayering)
#include "tst_layering.moc"
