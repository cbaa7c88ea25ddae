// ResolvePythonPackage on a made-up dpkg database: installed python3-* dependencies are
// followed (alternatives and :any qualifiers included), everything else is not.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "grader/task/python_packages.h"

namespace proctor::grader::task {
namespace {

namespace fs = std::filesystem;

class ResolveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("proctor-dpkg-" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "info");
    std::ofstream(dir_ / "status")
        << "Package: python3-top\nStatus: install ok installed\nVersion: 1:2.0-1\n"
           "Depends: python3:any, python3-mid (>= 1) | python3-other, libc6 (>= 2.35)\n\n"
           "Package: python3-mid\nStatus: install ok installed\nVersion: 1.0\n"
           "Depends: python3-top, python3-leaf:any\n\n"
           "Package: python3-leaf\nStatus: install ok installed\nArchitecture: amd64\n"
           "Version: 3\n\n"
           "Package: python3-removed\nStatus: deinstall ok config-files\nVersion: 9\n";
    std::ofstream(dir_ / "info/python3-top.list")
        << "/.\n/usr/lib/python3/dist-packages\n/usr/lib/python3/dist-packages/top\n"
           "/usr/lib/python3/dist-packages/top/__init__.py\n/usr/bin/top-tool\n";
    std::ofstream(dir_ / "info/python3-mid.list") << "/usr/lib/python3/dist-packages/mid.py\n";
    std::ofstream(dir_ / "info/python3-leaf:amd64.list")
        << "/usr/lib/python3/dist-packages/leaf\n/usr/lib/python3/dist-packages/leaf-3.egg-info\n";
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(ResolveTest, FollowsInstalledPython3DependenciesOnce) {
  std::vector<std::string> seen;
  auto packages = ResolvePythonPackage("python3-top", &seen, dir_.string());
  ASSERT_TRUE(packages.has_value());
  ASSERT_EQ(packages->size(), 3u);
  EXPECT_EQ((*packages)[0].name, "python3-top");
  EXPECT_EQ((*packages)[0].version, "1:2.0-1");
  EXPECT_EQ((*packages)[0].paths, std::vector<std::string>{"/usr/lib/python3/dist-packages/top"});
  EXPECT_EQ((*packages)[1].name, "python3-mid");
  EXPECT_EQ((*packages)[1].paths,
            std::vector<std::string>{"/usr/lib/python3/dist-packages/mid.py"});
  EXPECT_EQ((*packages)[2].name, "python3-leaf");
  EXPECT_EQ((*packages)[2].paths,
            (std::vector<std::string>{"/usr/lib/python3/dist-packages/leaf",
                                      "/usr/lib/python3/dist-packages/leaf-3.egg-info"}));
  // A second package already resolved with the first adds nothing.
  auto again = ResolvePythonPackage("python3-mid", &seen, dir_.string());
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(again->empty());
}

TEST_F(ResolveTest, APackageNotInstalledIsNotResolved) {
  std::vector<std::string> seen;
  EXPECT_FALSE(ResolvePythonPackage("python3-removed", &seen, dir_.string()).has_value());
  EXPECT_FALSE(ResolvePythonPackage("python3-absent", &seen, dir_.string()).has_value());
}

TEST(PythonPackageName, OnlyDebianPython3Names) {
  EXPECT_TRUE(IsPythonPackageName("python3-numpy"));
  EXPECT_TRUE(IsPythonPackageName("python3-ruamel.yaml"));
  EXPECT_FALSE(IsPythonPackageName("numpy"));
  EXPECT_FALSE(IsPythonPackageName("python3-"));
  EXPECT_FALSE(IsPythonPackageName("python3-NumPy"));
  EXPECT_FALSE(IsPythonPackageName("python3-numpy; rm -rf /"));
}

}  // namespace
}  // namespace proctor::grader::task
