#pragma once
// The pickle machine behind pickle::unpickle: a value stack, a mark stack and a memo, run one
// opcode at a time. Nothing recurses, so nesting costs stack entries (bounded), not C++ stack
// frames. Internal to core/io: pickle_reader.cpp runs it, pickle_opcodes.cpp holds the opcodes.
#include <unordered_map>

#include "io/pickle_reader.h"

namespace nw::io::pickle {

constexpr size_t kMaxStack = 100'000;
constexpr size_t kMaxMarks = 10'000;
constexpr size_t kMaxMemo = 1'000'000;
constexpr size_t kMaxLine = 1'000;

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
    if (const std::string why = hooks_.refuses(full); !why.empty())
      fail("refuses global " + full + ": " + why);
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

  // Runs one opcode; returns the result at STOP, nullptr otherwise (pickle_opcodes.cpp).
  Value* step(unsigned char op);

  std::string_view b_;
  size_t& pos_;
  size_t op_at_ = 0;
  Arena& arena_;
  const Hooks& hooks_;
  std::vector<Value*> stack_;
  std::vector<size_t> marks_;
  std::unordered_map<uint64_t, Value*> memo_;
};

}  // namespace nw::io::pickle
