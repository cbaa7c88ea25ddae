#include "grader/task/pack_hash.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <vector>

#include "grader/task/sha256.h"

namespace proctor::grader::task {

namespace fs = std::filesystem;

LoadResult<std::string> PackContentHash(const std::string& root) {
  std::error_code ec;
  std::vector<std::string> files;
  for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec)) {
      files.push_back(fs::relative(it->path(), root, ec).generic_string());
    }
  }
  if (ec) return LoadError{{root, 0, 0}, "cannot list the pack: " + ec.message()};
  std::sort(files.begin(), files.end());
  Sha256 hash;
  std::vector<char> buffer(1 << 16);
  for (const std::string& relative : files) {
    fs::path full = fs::path(root) / relative;
    uintmax_t size = fs::file_size(full, ec);
    std::ifstream in(full, std::ios::binary);
    if (ec || !in) return LoadError{{full.string(), 0, 0}, "cannot read file"};
    hash.Update(relative + "\n" + std::to_string(size) + "\n");
    uintmax_t read_total = 0;
    while (in) {
      in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      std::streamsize got = in.gcount();
      hash.Update(std::string_view(buffer.data(), static_cast<size_t>(got)));
      read_total += static_cast<uintmax_t>(got);
    }
    if (read_total != size) return LoadError{{full.string(), 0, 0}, "file changed while hashed"};
  }
  return LoadResult<std::string>(boost::system::in_place_value, hash.HexDigest());
}

}  // namespace proctor::grader::task
