// The task packs the env tests draw from (tasks/basics and tasks/adversarial, loaded once),
// and a fake grader for tests that need no sandbox.
#pragma once

#include <string>

#include "envs/env.h"
#include "grader/task/model.h"

namespace proctor::envs::testing {

const grader::task::Pack& BasicsPack();
const grader::task::Pack& AdversarialPack();

// A pure, instant stand-in for grading, steered by markers in the submitted program text:
//   "INFRA"       ungradeable (reward unset, every test infra_error)
//   "SCORE=<x>"   reward x; public tests fail unless x == 1
//   "PASS"        every test passes, reward 1
//   otherwise     every test fails with wrong_answer, reward 0
// Failing public tests carry feedback whose stderr_tail is "SECRET-STDERR" and whose got is
// "fake-got"; hidden tests never carry feedback (as in the real grader).
grader::SubmissionReport FakeGrade(const grader::task::Pack& pack, const grader::task::Task& task,
                                   const grader::Submission& submission);

// Both packs (basics first) with FakeGrade.
EnvContext FakeContext();

}  // namespace proctor::envs::testing
