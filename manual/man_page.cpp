// The roff side of manual_doc.h.
#include <algorithm>
#include <cctype>

#include "manual_doc.h"

namespace nw::manual {

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
    tag += ' ';
    tag += join(choices, "|");
  } else if (!o.value.empty()) {
    tag += " \\fI";  // appended piecewise: GCC 12 warns falsely (-Wrestrict) on "..." + string&&
    tag += roff(o.value);
    tag += "\\fR";
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

void write_positionals(std::ostream& os, const std::vector<OptionDoc>& options) {
  for (const OptionDoc& o : options)
    if (!o.positional.empty())
      os << (o.required ? ".I " : ".RI [ ") << roff(o.positional) << (o.required ? "\n" : " ]\n");
}

void write_synopsis(std::ostream& os, const ManualDoc& doc) {
  os << ".SH SYNOPSIS\n.B " << roff(doc.program) << "\n";
  if (doc.commands.empty()) {
    os << ".RI [ OPTIONS ]\n";
    write_positionals(os, doc.options);
    return;
  }
  os << ".RB [ \\-\\-help | \\-\\-version ]\n";
  for (const CommandDoc& c : doc.commands) {
    os << ".br\n.B " << roff(doc.program + " " + c.name) << "\n";
    write_positionals(os, c.options);
    os << ".RI [ OPTIONS ]\n";
  }
}

void write_commands(std::ostream& os, const ManualDoc& doc) {
  if (doc.commands.empty()) return;
  os << ".SH COMMANDS\nEach command also takes \\fB\\-h\\fR, \\fB\\-\\-help\\fR, which prints its "
        "options and exits.\n";
  for (const CommandDoc& c : doc.commands) {
    os << ".SS " << roff(c.name) << "\n" << roff(c.description) << ".\n";
    for (const OptionDoc& o : c.options)
      if (!is_help(o)) write_option(os, o);
  }
}

// `font` is B (a literal: a code, a variable) or I (a path).
void write_entries(std::ostream& os, const char* section, const std::vector<Entry>& entries,
                   char font) {
  if (entries.empty()) return;
  os << ".SH " << section << "\n";
  for (const Entry& e : entries)
    os << ".TP\n." << font << " " << roff(e.term) << "\n" << roff(e.text) << "\n";
}

// "netwright(1)" as ".BR netwright (1)".
void write_see_also(std::ostream& os, const std::vector<std::string>& pages) {
  if (pages.empty()) return;
  os << ".SH SEE ALSO\n";
  for (size_t i = 0; i < pages.size(); ++i) {
    const std::string& p = pages[i];
    const size_t paren = p.find('(');
    os << ".BR " << roff(p.substr(0, paren)) << " "
       << (paren == std::string::npos ? "" : p.substr(paren))
       << (i + 1 < pages.size() ? " ,\n" : "\n");
  }
}

}  // namespace

void write_man_page(std::ostream& os, const ManualDoc& doc) {
  // The date field holds the version: a build date would make every build's page differ.
  os << ".TH " << roff(upper(doc.program)) << " 1 \"version " << roff(doc.version)
     << "\" \"Netwright " << roff(doc.version) << "\" \"User Commands\"\n";
  os << ".SH NAME\n" << roff(doc.program) << " \\- " << roff(doc.description) << "\n";
  write_synopsis(os, doc);
  os << ".SH DESCRIPTION\n.B " << roff(doc.program) << "\n" << roff(doc.about) << "\n";
  for (const std::string& p : doc.more_about) os << ".PP\n" << roff(p) << "\n";
  os << ".SH OPTIONS\n";
  for (const OptionDoc& o : doc.options) write_option(os, o);
  write_commands(os, doc);
  write_entries(os, "EXIT STATUS", doc.exit_status, 'B');
  write_entries(os, "ENVIRONMENT", doc.environment, 'B');
  write_entries(os, "FILES", doc.files, 'I');
  write_see_also(os, doc.see_also);
}

}  // namespace nw::manual
