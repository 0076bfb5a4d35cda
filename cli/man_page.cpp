// The roff side of manual.h: man(7) macros only, so groff, mandoc and man-db's renderers agree.
#include <algorithm>
#include <cctype>

#include "manual.h"
#include "session.h"

namespace nw::cli {

namespace {

// Text for roff: a backslash is an escape, '-' must be \- to stay a minus sign (and be found by
// searches), and a line starting with '.' or '\'' would be read as a request.
std::string roff(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\')
      out += "\\e";
    else if (c == '-')
      out += "\\-";
    else if (c == '\n')
      out += "\n.br\n";
    else
      out += c;
  }
  if (!out.empty() && (out.front() == '.' || out.front() == '\'')) out.insert(0, "\\&");
  return out;
}

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return char(std::toupper(c)); });
  return text;
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : sep) + item;
  return out;
}

// The tag line of an option: "\fB\-\-device\fR \fIcpu\fR|\fIcuda\fR" or "\fIPROJECT\fR".
std::string option_tag(const OptionDoc& o) {
  if (!o.positional.empty()) return "\\fI" + roff(o.positional) + "\\fR";
  std::vector<std::string> names;
  for (const std::string& n : o.names) names.push_back("\\fB" + roff(n) + "\\fR");
  std::string tag = join(names, ", ");
  if (!o.choices.empty()) {
    std::vector<std::string> choices;
    for (const std::string& c : o.choices) choices.push_back("\\fI" + roff(c) + "\\fR");
    tag += " " + join(choices, "|");
  } else if (!o.value.empty()) {
    tag += " \\fI" + roff(o.file ? "FILE" : o.value) + "\\fR";
  }
  return tag;
}

void write_option(std::ostream& os, const OptionDoc& o) {
  std::string text = o.description;
  if (o.required) text += ". Required";
  if (!o.excludes.empty()) text += ". Not with " + join(o.excludes, ", ");
  if (!text.empty() && text.back() != '.') text += '.';
  os << ".TP\n" << option_tag(o) << "\n" << roff(text) << "\n";
}

bool is_help(const OptionDoc& o) {
  return std::find(o.names.begin(), o.names.end(), "--help") != o.names.end();
}

void write_synopsis(std::ostream& os, const ManualDoc& doc) {
  os << ".SH SYNOPSIS\n.B " << roff(doc.program) << "\n.RB [ \\-\\-help | \\-\\-version ]\n";
  for (const CommandDoc& c : doc.commands) {
    os << ".br\n.B " << roff(doc.program + " " + c.name) << "\n";
    for (const OptionDoc& o : c.options)
      if (!o.positional.empty())
        os << (o.required ? ".I " : ".RI [ ") << roff(o.positional) << (o.required ? "\n" : " ]\n");
    os << ".RI [ OPTIONS ]\n";
  }
}

void write_commands(std::ostream& os, const ManualDoc& doc) {
  os << ".SH COMMANDS\nEach command also takes \\fB\\-h\\fR, \\fB\\-\\-help\\fR, which prints its "
        "options and exits.\n";
  for (const CommandDoc& c : doc.commands) {
    os << ".SS " << roff(c.name) << "\n" << roff(c.description) << ".\n";
    for (const OptionDoc& o : c.options)
      if (!is_help(o)) write_option(os, o);
  }
}

}  // namespace

void write_man_page(std::ostream& os, const ManualDoc& doc) {
  const std::string title = roff(upper(doc.program));
  // The date field holds the version: a build date would make every build's page differ.
  os << ".TH " << title << " 1 \"version " << roff(doc.version) << "\" \"Netwright "
     << roff(doc.version) << "\" \"User Commands\"\n";
  os << ".SH NAME\n" << roff(doc.program) << " \\- " << roff(doc.description) << "\n";
  write_synopsis(os, doc);
  os << ".SH DESCRIPTION\n.B " << roff(doc.program)
     << "\ntrains, evaluates and runs the same Netwright projects (\\fI.nwproj\\fR files) as the "
        "desktop application, from a terminal or a script, without a display. It prints results "
        "on standard output and errors, each naming the place and the fix, on standard error.\n"
        ".SH OPTIONS\n";
  for (const OptionDoc& o : doc.options) write_option(os, o);
  write_commands(os, doc);
  os << ".SH EXIT STATUS\n";
  for (const ExitCodeDoc& e : kExitCodeDocs)
    os << ".TP\n.B " << int(e.code) << "\n" << roff(e.meaning) << "\n";
  os << ".SH ENVIRONMENT\n"
        ".TP\n.B OMP_NUM_THREADS\n"
     << roff(
            "CPU threads for training and inference when --threads is not given (default: one "
            "per physical core).")
     << "\n.TP\n.B NETWRIGHT_CUDA_PLUGIN\n"
     << roff(
            "Path of the CUDA backend plugin (libnetwright_cuda.so) to load before the ones "
            "beside the core library and the executable.")
     << "\n.SH FILES\n.TP\n.I " << roff(NW_INSTALLED_PROJECTS_DIR) << "\n"
     << roff(
            "The bundled example projects (package netwright-examples). train writes its runs "
            "beside the project unless --out names a folder: give one where the project's folder "
            "is not writable.")
     << "\n.SH SEE ALSO\n.BR netwright (1)\n";
}

}  // namespace nw::cli
