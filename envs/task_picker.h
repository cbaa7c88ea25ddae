// Which task an episode is about: the train/test split of a pack and the seeded draw.
//
// Split: a task belongs to "train" when FNV-1a-64(task id) % 100 < 80, else to "test"; "all"
// holds both. The partition depends on the id alone, so it is stable across pack versions and
// reproducible elsewhere (Python: see envs/README.md).
//
// Draw: the picker holds a SplitMix64 state. Reset(seed) sets the state to `seed`; every draw
// advances it and takes the next output modulo the number of candidates (tasks of the split
// that allow the env's language, in pack order). A fresh picker starts from state 0, so envs
// that are never seeded still see a fixed sequence; nothing depends on the clock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "grader/task/model.h"

namespace proctor::envs {

enum class Split { kAll, kTrain, kTest };

std::string_view SplitName(Split split);  // "all", "train", "test"
std::optional<Split> SplitFromName(std::string_view name);

uint64_t Fnv1a64(std::string_view bytes);
bool InSplit(std::string_view task_id, Split split);

// One step of SplitMix64 (Steele et al.): advances `*state` and returns the next output.
uint64_t SplitMix64Next(uint64_t* state);

class TaskPicker {
 public:
  // `pack` must outlive the picker. `language` unset: any task.
  TaskPicker(const grader::task::Pack& pack, Split split,
             std::optional<grader::task::Language> language)
      : pack_(&pack), split_(split), language_(language) {}

  const grader::task::Pack& pack() const { return *pack_; }
  Split split() const { return split_; }
  // The env's language when it has one, else `fallback` (the task's first).
  grader::task::Language language_or(grader::task::Language fallback) const {
    return language_.value_or(fallback);
  }
  size_t CandidateCount() const;

  // With `task_id`: that task of the pack, whatever the split (an explicit choice), and no
  // draw. Otherwise reseeds when `seed` is given and draws. Throws EnvError when the id is
  // unknown, the task does not allow the env's language, or there is no candidate.
  const grader::task::Task& Pick(std::optional<uint64_t> seed, const std::string* task_id);

 private:
  bool IsCandidate(const grader::task::Task& task) const;
  bool AllowsLanguage(const grader::task::Task& task) const;

  const grader::task::Pack* pack_;
  Split split_;
  std::optional<grader::task::Language> language_;
  uint64_t state_ = 0;  // SplitMix64 state
};

}  // namespace proctor::envs
