// The pickle machine: a value stack, a mark stack and a memo, run one opcode at a time. Nothing
// recurses, so nesting costs stack entries (bounded), not C++ stack frames.
#include "io/pickle_reader.h"

#include <cstring>
#include <unordered_map>

namespace nw::io::pickle {

namespace {

constexpr size_t kMaxStack = 100'000;
constexpr size_t kMaxMarks = 10'000;
constexpr size_t kMaxMemo = 1'000'000;
constexpr size_t kMaxLine = 1'000;

std::string hex_byte(unsigned char c) {
  const char* digits = "0123456789abcdef";
  return std::string("0x") + digits[c >> 4] + digits[c & 15];
}

class Machine {
 public:
  Machine(std::string_view bytes, size_t& pos, Arena& arena, const Hooks& hooks)
      : b_(bytes), pos_(pos), arena_(arena), hooks_(hooks) {}

  Value* run() {
    for (;;) {
      op_at_ = pos_;
      const unsigned char op = u8();
      try {
        if (Value* done = step(op)) return done;
      } catch (PickleError& e) {
        if (e.offset == std::string::npos) throw PickleError(e.what(), op_at_);
        throw;
      }
    }
  }

 private:
  [[noreturn]] void fail(const std::string& message) const { throw PickleError(message, op_at_); }

  void need(uint64_t n) const {
    if (n > b_.size() - pos_)
      fail("the pickle ends early (needs " + std::to_string(n) + " more bytes, " +
           std::to_string(b_.size() - pos_) + " left); the file is truncated");
  }
  uint64_t le(int n) {
    need(n);
    uint64_t v = 0;
    for (int k = 0; k < n; ++k) v |= uint64_t(static_cast<unsigned char>(b_[pos_ + k])) << (8 * k);
    pos_ += n;
    return v;
  }
  unsigned char u8() { return static_cast<unsigned char>(le(1)); }
  std::string take(uint64_t n) {
    need(n);
    std::string s(b_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  std::string line() {
    const size_t end = b_.find('\n', pos_);
    if (end == std::string_view::npos)
      fail("the pickle ends early, inside a text argument; the file is truncated");
    if (end - pos_ > kMaxLine)
      fail("a text argument runs past " + std::to_string(kMaxLine) +
           " bytes without an end of line");
    std::string s(b_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return s;
  }

  Value* make(Kind k) { return arena_.make(k); }
  void push(Value* v) {
    if (stack_.size() >= kMaxStack)
      fail("nested deeper than " + std::to_string(kMaxStack) +
           " values; a state_dict is a flat dict of tensors");
    stack_.push_back(v);
  }
  Value* pop() {
    if (stack_.size() <= floor()) fail("pops a value that is not there (the stack is empty)");
    Value* v = stack_.back();
    stack_.pop_back();
    return v;
  }
  Value* top() {
    if (stack_.size() <= floor()) fail("needs a value but the stack is empty");
    return stack_.back();
  }
  size_t floor() const { return marks_.empty() ? 0 : marks_.back(); }
  std::vector<Value*> pop_mark() {
    if (marks_.empty()) fail("needs a MARK that was never set");
    std::vector<Value*> items(stack_.begin() + marks_.back(), stack_.end());
    stack_.resize(marks_.back());
    marks_.pop_back();
    return items;
  }
  Value* expect(Value* v, Kind k, const char* what) {
    if (v->kind != k) fail(std::string(what) + ", found " + describe(*v));
    return v;
  }

  Value* integer(int64_t i) {
    Value* v = make(Kind::Int);
    v->i = i;
    return v;
  }
  Value* text(Kind k, std::string s) {
    Value* v = make(k);
    v->s = std::move(s);
    return v;
  }
  // LONG1/LONG4: little-endian two's complement of n bytes.
  Value* long_int(uint64_t n) {
    if (n > 8) fail("an integer of " + std::to_string(n) + " bytes does not fit in 64 bits");
    need(n);
    uint64_t v = 0;
    for (uint64_t k = 0; k < n; ++k)
      v |= uint64_t(static_cast<unsigned char>(b_[pos_ + k])) << (8 * k);
    if (n > 0 && n < 8 && (v >> (8 * n - 1)) & 1) v |= ~uint64_t(0) << (8 * n);
    pos_ += n;
    return integer(static_cast<int64_t>(v));
  }
  Value* global(const std::string& module, const std::string& name) {
    const std::string full = module + "." + name;
    if (!hooks_.allows(full))
      fail("refuses global " + full +
           ": a PyTorch weight file holds only tensors, their storages, ordered dicts, numbers "
           "and strings, and loading anything else could run code (as torch.load(..., "
           "weights_only=True) refuses it). Save only the weights, torch.save(model.state_dict(), "
           "path), from a source you trust");
    return text(Kind::Global, full);
  }
  Value* sequence(Kind k, std::vector<Value*> items) {
    Value* v = make(k);
    v->items = std::move(items);
    return v;
  }
  void set_items(Value* dict, const std::vector<Value*>& kv) {
    expect(dict, Kind::Dict, "sets items on a non-dict");
    if (kv.size() % 2) fail("sets items from an odd number of values");
    for (size_t k = 0; k < kv.size(); k += 2) dict->entries.emplace_back(kv[k], kv[k + 1]);
  }
  void memo_put(uint64_t index) {
    if (memo_.size() >= kMaxMemo && !memo_.count(index))
      fail("stores more than " + std::to_string(kMaxMemo) + " memo entries");
    memo_[index] = top();
  }
  Value* memo_get(uint64_t index) {
    const auto it = memo_.find(index);
    if (it == memo_.end()) fail("reads memo entry " + std::to_string(index) + ", never stored");
    return it->second;
  }
  [[noreturn]] void refuse_object(const Value* cls) {
    fail("creates an object of class " + (cls && cls->kind == Kind::Global ? cls->s : "?") +
         "; a state_dict holds only tensors, dicts, numbers and strings");
  }

  // Runs one opcode; returns the result at STOP.
  Value* step(unsigned char op) {
    switch (op) {
      case 0x80: {  // PROTO
        const unsigned v = u8();
        if (v < 2 || v > 5)
          fail("pickle protocol " + std::to_string(v) + "; PyTorch writes protocols 2 to 5");
        return nullptr;
      }
      case 0x95:
        le(8);
        return nullptr;  // FRAME: a length hint only
      case '.':
        return pop();
      case '(':
        if (marks_.size() >= kMaxMarks)
          fail("nested deeper than " + std::to_string(kMaxMarks) + " levels");
        marks_.push_back(stack_.size());
        return nullptr;
      case '0':
        pop();
        return nullptr;
      case '1':
        pop_mark();
        return nullptr;
      case '2':
        push(top());
        return nullptr;
      case 'N':
        push(make(Kind::None));
        return nullptr;
      case 0x88:
      case 0x89: {
        Value* v = make(Kind::Bool);
        v->i = op == 0x88;
        push(v);
        return nullptr;
      }
      case 'J':
        push(integer(static_cast<int32_t>(le(4))));
        return nullptr;
      case 'K':
        push(integer(u8()));
        return nullptr;
      case 'M':
        push(integer(static_cast<int64_t>(le(2))));
        return nullptr;
      case 0x8a:
        push(long_int(u8()));
        return nullptr;
      case 0x8b:
        push(long_int(le(4)));
        return nullptr;
      case 'G': {
        uint64_t bits = 0;
        need(8);
        for (int k = 0; k < 8; ++k) bits = bits << 8 | static_cast<unsigned char>(b_[pos_ + k]);
        pos_ += 8;
        Value* v = make(Kind::Float);
        std::memcpy(&v->f, &bits, sizeof bits);
        push(v);
        return nullptr;
      }
      case 'X':
        push(text(Kind::Str, take(le(4))));
        return nullptr;
      case 0x8c:
        push(text(Kind::Str, take(u8())));
        return nullptr;
      case 0x8d:
        push(text(Kind::Str, take(le(8))));
        return nullptr;
      case 'T': {
        const int64_t n = static_cast<int32_t>(le(4));
        if (n < 0) fail("a string of negative length");
        push(text(Kind::Str, take(n)));
        return nullptr;
      }
      case 'U':
        push(text(Kind::Str, take(u8())));
        return nullptr;
      case 'B':
        push(text(Kind::Bytes, take(le(4))));
        return nullptr;
      case 'C':
        push(text(Kind::Bytes, take(u8())));
        return nullptr;
      case 0x8e:
      case 0x96:
        push(text(Kind::Bytes, take(le(8))));
        return nullptr;
      case ')':
        push(make(Kind::Tuple));
        return nullptr;
      case 't':
        push(sequence(Kind::Tuple, pop_mark()));
        return nullptr;
      case 0x85:
      case 0x86:
      case 0x87: {
        std::vector<Value*> items(op - 0x84);
        for (size_t k = items.size(); k-- > 0;) items[k] = pop();
        push(sequence(Kind::Tuple, std::move(items)));
        return nullptr;
      }
      case ']':
        push(make(Kind::List));
        return nullptr;
      case 'l':
        push(sequence(Kind::List, pop_mark()));
        return nullptr;
      case 'a': {
        Value* x = pop();
        expect(top(), Kind::List, "appends to a non-list")->items.push_back(x);
        return nullptr;
      }
      case 'e': {
        std::vector<Value*> xs = pop_mark();
        Value* list = expect(top(), Kind::List, "appends to a non-list");
        list->items.insert(list->items.end(), xs.begin(), xs.end());
        return nullptr;
      }
      case '}':
        push(make(Kind::Dict));
        return nullptr;
      case 'd': {
        Value* d = make(Kind::Dict);
        set_items(d, pop_mark());
        push(d);
        return nullptr;
      }
      case 's': {
        Value* v = pop();
        Value* k = pop();
        set_items(top(), {k, v});
        return nullptr;
      }
      case 'u': {
        std::vector<Value*> kv = pop_mark();
        set_items(top(), kv);
        return nullptr;
      }
      case 'q':
        memo_put(u8());
        return nullptr;
      case 'r':
        memo_put(le(4));
        return nullptr;
      case 0x94:
        memo_put(memo_.size());
        return nullptr;
      case 'h':
        push(memo_get(u8()));
        return nullptr;
      case 'j':
        push(memo_get(le(4)));
        return nullptr;
      case 'c': {
        std::string module = line();
        push(global(module, line()));
        return nullptr;
      }
      case 0x93: {
        Value* name = expect(pop(), Kind::Str, "STACK_GLOBAL needs a name string");
        Value* module = expect(pop(), Kind::Str, "STACK_GLOBAL needs a module string");
        push(global(module->s, name->s));
        return nullptr;
      }
      case 'R': {
        Value* args = expect(pop(), Kind::Tuple, "REDUCE needs an argument tuple");
        Value* callable = pop();
        if (callable->kind != Kind::Global) fail("calls " + describe(*callable));
        push(hooks_.reduce(arena_, callable->s, *args));
        return nullptr;
      }
      case 'b': {
        pop();  // the state: only an OrderedDict's attributes (`_metadata`), which we ignore
        Value* target = top();
        if (target->kind != Kind::Dict) fail("sets the state of " + describe(*target));
        return nullptr;
      }
      case 0x81:
      case 0x92: {
        if (op == 0x92) pop();
        pop();
        refuse_object(pop());
      }
      case 'o': {
        std::vector<Value*> items = pop_mark();
        refuse_object(items.empty() ? nullptr : items[0]);
      }
      case 'i': {
        std::string module = line();
        Value* cls = global(module, line());
        refuse_object(cls);
      }
      case 'Q': {
        Value* pid = pop();
        push(hooks_.persistent_load(arena_, *pid));
        return nullptr;
      }
      case 'P': {
        Value* pid = text(Kind::Str, line());
        push(hooks_.persistent_load(arena_, *pid));
        return nullptr;
      }
      default:
        fail("opcode " + hex_byte(op) +
             " is not one a PyTorch state_dict uses (or not a pickle opcode); the file is "
             "damaged or not a PyTorch weight file");
    }
  }

  std::string_view b_;
  size_t& pos_;
  size_t op_at_ = 0;
  Arena& arena_;
  const Hooks& hooks_;
  std::vector<Value*> stack_;
  std::vector<size_t> marks_;
  std::unordered_map<uint64_t, Value*> memo_;
};

}  // namespace

std::string describe(const Value& v) {
  switch (v.kind) {
    case Kind::None:
      return "None";
    case Kind::Bool:
      return "a bool";
    case Kind::Int:
      return "an int";
    case Kind::Float:
      return "a float";
    case Kind::Str:
      return "a string";
    case Kind::Bytes:
      return "bytes";
    case Kind::Tuple:
      return "a tuple";
    case Kind::List:
      return "a list";
    case Kind::Dict:
      return "a dict";
    case Kind::Global:
      return "the global " + v.s;
    case Kind::Object:
      return v.s;
  }
  return "a value";
}

Value* Arena::make(Kind kind) {
  if (values_.size() >= kMaxValues)
    throw PickleError("holds more than " + std::to_string(kMaxValues) +
                      " values; a state_dict needs a few per tensor");
  values_.emplace_back();
  values_.back().kind = kind;
  return &values_.back();
}

Value* unpickle(std::string_view bytes, size_t& pos, Arena& arena, const Hooks& hooks) {
  if (pos >= bytes.size()) throw PickleError("the file ends where a pickle should start", pos);
  return Machine(bytes, pos, arena, hooks).run();
}

}  // namespace nw::io::pickle
