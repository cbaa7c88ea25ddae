#include "envs/task_picker.h"

#include <algorithm>

#include "envs/env.h"

namespace proctor::envs {

namespace task = grader::task;

std::string_view SplitName(Split split) {
  switch (split) {
    case Split::kAll:
      return "all";
    case Split::kTrain:
      return "train";
    case Split::kTest:
      return "test";
  }
  return "?";
}

std::optional<Split> SplitFromName(std::string_view name) {
  for (Split s : {Split::kAll, Split::kTrain, Split::kTest})
    if (SplitName(s) == name) return s;
  return std::nullopt;
}

uint64_t Fnv1a64(std::string_view bytes) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

bool InSplit(std::string_view task_id, Split split) {
  if (split == Split::kAll) return true;
  const bool train = Fnv1a64(task_id) % 100 < 80;
  return train == (split == Split::kTrain);
}

uint64_t SplitMix64Next(uint64_t* state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

bool TaskPicker::AllowsLanguage(const task::Task& t) const {
  return !language_ ||
         std::find(t.languages.begin(), t.languages.end(), *language_) != t.languages.end();
}

bool TaskPicker::IsCandidate(const task::Task& t) const {
  return InSplit(t.id, split_) && AllowsLanguage(t);
}

size_t TaskPicker::CandidateCount() const {
  return std::count_if(pack_->tasks.begin(), pack_->tasks.end(),
                       [&](const task::Task& t) { return IsCandidate(t); });
}

const task::Task& TaskPicker::Pick(std::optional<uint64_t> seed, const std::string* task_id) {
  if (task_id != nullptr) {
    for (const task::Task& t : pack_->tasks) {
      if (t.id != *task_id) continue;
      if (!AllowsLanguage(t))
        throw EnvError::InvalidArgument("options.task_id",
                                        "task '" + *task_id + "' of pack '" + pack_->name +
                                            "' does not allow language '" +
                                            std::string(task::LanguageName(*language_)) + "'");
      return t;
    }
    throw EnvError::InvalidArgument(
        "options.task_id", "unknown task_id '" + *task_id + "' in pack '" + pack_->name + "'");
  }
  // Counting first keeps the env free of a per-session candidate list (see envs/README.md,
  // "Memory"); packs are small enough that two passes cost microseconds.
  const size_t count = CandidateCount();
  if (count == 0)
    throw EnvError::InvalidArgument(
        "options.split", "no task of pack '" + pack_->name + "' is in split '" +
                             std::string(SplitName(split_)) + "'" +
                             (language_ ? " and allows language '" +
                                              std::string(task::LanguageName(*language_)) + "'"
                                        : std::string()));
  if (seed) state_ = *seed;
  size_t index = SplitMix64Next(&state_) % count;
  for (const task::Task& t : pack_->tasks) {
    if (!IsCandidate(t)) continue;
    if (index-- == 0) return t;
  }
  throw EnvError::BadState("task picker: candidate vanished");  // unreachable: packs are const
}

}  // namespace proctor::envs
