// cli/flags.h: the command line every subcommand shares, parsed by CLI11. Pins what a user
// sees: the error messages, that `--` ends the flags, that a value may start with a dash, that
// only repeatable flags repeat, and the --help layout.
#include "cli/flags.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace proctor::cli {
namespace {

const std::vector<FlagSpec> kSpecs = {
    {"pack", true, false, "the pack", "DIR"},
    {"allow", true, true, "repeatable", "LAYER"},
    {"quiet", false, false, "a boolean flag", ""},
    HelpFlag(),
};

// The error of parsing `args`, or "" when they parse.
std::string ErrorOf(const std::vector<std::string>& args) {
  Flags flags;
  std::string error;
  const bool parsed = flags.Parse(kSpecs, args, &error);
  EXPECT_EQ(parsed, error.empty()) << error;
  return error;
}

TEST(Flags, ValuesCanBeJoinedOrSeparateAndMayStartWithADash) {
  Flags flags;
  std::string error;
  ASSERT_TRUE(flags.Parse(kSpecs, {"--pack=a", "--allow", "-1", "--allow", "-", "--quiet"},
                          &error))
      << error;
  EXPECT_EQ(flags.Get("pack"), "a");
  EXPECT_EQ(flags.GetAll("allow"), (std::vector<std::string>{"-1", "-"}));
  EXPECT_TRUE(flags.Has("quiet"));
  EXPECT_FALSE(flags.Has("help"));
  // A value is taken as it is, even when it looks like a flag.
  Flags taken;
  ASSERT_TRUE(taken.Parse(kSpecs, {"--pack", "--quiet"}, &error)) << error;
  EXPECT_EQ(taken.Get("pack"), "--quiet");
  EXPECT_FALSE(taken.Has("quiet"));
}

TEST(Flags, PositionalsKeepTheirOrderAndDoubleDashEndsTheFlags) {
  Flags flags;
  std::string error;
  ASSERT_TRUE(flags.Parse(kSpecs, {"a", "-x", "--quiet", "-", "b", "--", "--pack", "--", "c"},
                          &error))
      << error;
  EXPECT_EQ(flags.positionals(),
            (std::vector<std::string>{"a", "-x", "-", "b", "--pack", "--", "c"}));
  EXPECT_TRUE(flags.Has("quiet"));
  EXPECT_FALSE(flags.Has("pack"));
}

TEST(Flags, UsageErrorsNameTheFlag) {
  EXPECT_EQ(ErrorOf({"--bogus"}), "unknown flag --bogus (see --help)");
  EXPECT_EQ(ErrorOf({"x", "--bogus=1"}), "unknown flag --bogus (see --help)");
  EXPECT_EQ(ErrorOf({"--PACK", "x"}), "unknown flag --PACK (see --help)");
  EXPECT_EQ(ErrorOf({"--pack"}), "flag --pack needs a value");
  EXPECT_EQ(ErrorOf({"--pack", "a", "--pack"}), "flag --pack needs a value");
  EXPECT_EQ(ErrorOf({"--quiet=1"}), "flag --quiet takes no value");
  EXPECT_EQ(ErrorOf({"--help=true"}), "flag --help takes no value");
  EXPECT_EQ(ErrorOf({"--pack", "a", "--pack=b"}), "flag --pack given twice");
  EXPECT_EQ(ErrorOf({"--quiet", "--quiet"}), "flag --quiet given twice");
  EXPECT_EQ(ErrorOf({"--allow", "a", "--allow", "b", "--allow=c"}), "");
  // A usage error wins over --help: the caller exits 2 rather than printing help.
  EXPECT_EQ(ErrorOf({"--help", "--bogus"}), "unknown flag --bogus (see --help)");
}

TEST(Flags, HelpListsEveryFlagWithItsValueNameInOneColumn) {
  EXPECT_EQ(HelpText("proctor x [--pack DIR]", "Does x.", kSpecs),
            "usage: proctor x [--pack DIR]\n\nDoes x.\n\nflags:\n"
            "  --pack DIR                      the pack\n"
            "  --allow LAYER                   repeatable\n"
            "  --quiet                         a boolean flag\n"
            "  --help                          show this help\n");
}

}  // namespace
}  // namespace proctor::cli
