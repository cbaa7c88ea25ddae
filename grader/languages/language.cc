#include "grader/languages/language.h"

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "grader/languages/language_loader.h"

namespace proctor::grader {
namespace {

struct Registry {
  std::vector<Language> languages;
  std::string error;
};

std::string Lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

const Registry& TheRegistry() {
  static const Registry registry = [] {
    Registry r;
    for (const std::string& folder : LanguageFolders()) {
      task::LoadResult<std::vector<Language>> loaded = LoadLanguageFolder(folder, r.languages);
      if (!loaded) {
        r.error += (r.error.empty() ? "" : "\n") + loaded.error().ToString();
        continue;
      }
      r.languages.insert(r.languages.end(), loaded->begin(), loaded->end());
    }
    if (!r.error.empty()) std::cerr << "proctor: language definitions: " << r.error << "\n";
    return r;
  }();
  return registry;
}

}  // namespace

std::vector<std::string> LanguageFolders() {
  const char* dir = std::getenv("PROCTOR_LANGUAGES_DIR");
  std::vector<std::string> folders = {dir && *dir ? dir : PROCTOR_BUNDLED_LANGUAGES_DIR};
  const char* extra = std::getenv("PROCTOR_EXTRA_LANGUAGES");
  std::string rest = extra ? extra : "";
  for (size_t start = 0; start <= rest.size();) {
    size_t end = rest.find(':', start);
    if (end == std::string::npos) end = rest.size();
    if (end > start) folders.push_back(rest.substr(start, end - start));
    start = end + 1;
  }
  return folders;
}

std::string ProctorRoot() {
  std::error_code ec;
  std::filesystem::path bundled = std::filesystem::absolute(LanguageFolders().front(), ec);
  bundled = bundled.lexically_normal();
  if (!bundled.has_filename()) bundled = bundled.parent_path();  // "dir/" -> "dir"
  return bundled.parent_path().string();
}

const std::vector<Language>& Languages() { return TheRegistry().languages; }

const std::string& LanguageRegistryError() { return TheRegistry().error; }

const Language* FindLanguage(const std::string& name) {
  for (const Language& l : Languages())
    if (l.name == name) return &l;
  return nullptr;
}

const Language* FindLanguageByTag(const std::string& tag) {
  const std::string t = Lower(tag);
  for (const Language& l : Languages()) {
    if (l.name == t) return &l;
    for (const std::string& a : l.aliases)
      if (a == t) return &l;
  }
  return nullptr;
}

std::string LanguageNames() {
  std::string out;
  for (const Language& l : Languages()) out += (out.empty() ? "" : ", ") + l.name;
  return out;
}

}  // namespace proctor::grader
