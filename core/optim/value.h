#pragma once
// The loosely typed values of a parameter group's hyperparameters and of a scheduler's state,
// kept as PyTorch keeps them in Python dicts (a number, a flag, a tuple, a word) and under
// PyTorch's names, so that checkpoints read like PyTorch's state_dict().
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace nw::optim {

// double: every number, integers included (step_size, last_epoch); bool: a switch (amsgrad);
// vector: a tuple or list (betas, base_lrs); string: a word (ReduceLROnPlateau's mode).
using Value = std::variant<double, bool, std::vector<double>, std::string>;
using ValueMap = std::map<std::string, Value>;

// Typed reads. `where` names the owner for the message ("Adam parameter group 1"); a missing key
// or a value of another kind throws nw::Error naming the key, what was found and what was wanted.
double get_number(const ValueMap& m, const std::string& key, const std::string& where);
bool get_flag(const ValueMap& m, const std::string& key, const std::string& where);
const std::vector<double>& get_tuple(const ValueMap& m, const std::string& key,
                                     const std::string& where);
const std::string& get_word(const ValueMap& m, const std::string& key, const std::string& where);

// "0.001", "true", "(0.9, 0.999)", "'min'": how PyTorch would print the value.
std::string value_str(const Value& v);

}  // namespace nw::optim
