#include "tests/envs/test_packs.h"

#include <cstdlib>
#include <iostream>

#include "grader/task/pack_loader.h"

namespace proctor::envs::testing {
namespace {

namespace task = grader::task;

const task::Pack& Load(const std::string& name) {
  auto pack = task::LoadPack(std::string(PROCTOR_TASKS_DIR) + "/" + name);
  if (!pack) {
    std::cerr << "cannot load pack " << name << ": " << pack.error().ToString() << "\n";
    std::abort();
  }
  return *new task::Pack(std::move(*pack));  // lives for the whole test binary
}

}  // namespace

const task::Pack& BasicsPack() {
  static const task::Pack& pack = Load("basics");
  return pack;
}

const task::Pack& AdversarialPack() {
  static const task::Pack& pack = Load("adversarial");
  return pack;
}

grader::SubmissionReport FakeGrade(const task::Pack& pack, const task::Task& t,
                                   const grader::Submission& s) {
  const std::string program = grader::ProgramText(t, s);
  grader::SubmissionReport report;
  report.task_id = t.id;
  report.language = s.language;
  report.pack_name = pack.name;
  const bool infra = program.find("INFRA") != std::string::npos;
  double score = program.find("PASS") != std::string::npos ? 1.0 : 0.0;
  if (auto at = program.find("SCORE="); at != std::string::npos)
    score = std::strtod(program.c_str() + at + 6, nullptr);
  for (const task::Test& test : t.tests) {
    grader::TestOutcome o;
    o.name = test.name;
    o.kind = std::string(task::TestKindName(test));
    o.is_public = test.visibility == task::Visibility::kPublic;
    o.verdict = infra          ? grader::Verdict::kInfraError
                : score >= 1.0 ? grader::Verdict::kPassed
                               : grader::Verdict::kWrongAnswer;
    if (o.is_public && o.verdict == grader::Verdict::kWrongAnswer)
      o.feedback = grader::Feedback{"fake-input", "fake-expected", "fake-got", "fake-message",
                                    "SECRET-STDERR"};
    if (infra) o.infra_reason = "fake infrastructure failure";
    report.tests.push_back(o);
  }
  if (!infra)
    report.reward = score;
  else
    report.ungradeable_reason = "fake infrastructure failure";
  return report;
}

EnvContext FakeContext() { return {{&BasicsPack(), &AdversarialPack()}, FakeGrade}; }

}  // namespace proctor::envs::testing
