// Each opcode a state_dict's pickle may use (protocols 2 to 5), and the refusal of the rest.
#include <cstring>

#include "io/pickle_machine.h"

namespace nw::io::pickle {

namespace {

std::string hex_byte(unsigned char c) {
  const char* digits = "0123456789abcdef";
  return std::string("0x") + digits[c >> 4] + digits[c & 15];
}

}  // namespace

Value* Machine::step(unsigned char op) {
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

}  // namespace nw::io::pickle
