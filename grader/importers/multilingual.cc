#include "grader/importers/multilingual.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "grader/importers/pack_writer.h"
#include "grader/importers/yaml_writer.h"
#include "grader/languages/language.h"

namespace proctor::grader::importers {
namespace {

namespace fs = std::filesystem;

bool IsDatasetFile(const fs::path& p) {
  const std::string name = p.filename().string();
  auto ends = [&](const std::string& suffix) {
    return name.size() >= suffix.size() &&
           name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return ends(".jsonl") || ends(".jsonl.gz");
}

std::string TaskPrompt(const MultilingualProblem& p) {
  std::string text = "Complete the function `" + p.title + "` in one of these languages:";
  for (const LanguageVariant& v : p.variants) text += " " + v.language;
  text += ". Answer with the whole program in that language (the starter code, completed).\n";
  for (const LanguageVariant& v : p.variants) {
    text += "\n" + v.language + ":\n\n```" + v.language + "\n" + v.prompt;
    if (!v.prompt.empty() && v.prompt.back() != '\n') text += "\n";
    text += "```\n";
  }
  return text;
}

std::string TaskYaml(const std::string& format, const MultilingualProblem& p) {
  YamlWriter w;
  w.String("id", p.id);
  w.String("title", p.title);
  w.String("source", format);
  w.String("prompt", TaskPrompt(p));
  std::string entry_point, languages;
  for (const LanguageVariant& v : p.variants) {
    languages += (languages.empty() ? "" : ", ") + v.language;
    if (!v.entry_point.empty()) entry_point = v.entry_point;
  }
  if (!entry_point.empty()) w.Flow("entry_point", entry_point);
  w.Flow("languages", "[" + languages + "]");
  w.BeginList("starter");
  for (const LanguageVariant& v : p.variants) {
    w.BeginItem();
    w.Flow("language", v.language);
    w.String("code", v.prompt);
    w.End();
  }
  w.End();
  bool any_reference = false;
  for (const LanguageVariant& v : p.variants) any_reference |= !v.reference.empty();
  if (any_reference) {
    w.BeginList("reference_solutions");
    for (const LanguageVariant& v : p.variants) {
      if (v.reference.empty()) continue;
      w.BeginItem();
      w.Flow("language", v.language);
      w.String("code", v.reference);
      w.End();
    }
    w.End();
  }
  w.BeginList("tests");
  for (const LanguageVariant& v : p.variants) {
    w.BeginItem();
    w.Flow("name", v.language);
    w.Flow("visibility", "hidden");
    w.BeginMap("unit");
    w.Flow("style", v.style);
    w.Flow("language", v.language);
    w.String("code", v.test_code);
    w.End();
    w.End();
  }
  w.End();
  return w.Take();
}

}  // namespace

bool MultilingualProblems::Add(const std::string& id, const std::string& title,
                               LanguageVariant variant, std::string* error) {
  MultilingualProblem& p = problems_[id];
  p.id = id;
  if (p.title.empty()) p.title = title;
  for (const LanguageVariant& v : p.variants) {
    if (v.language == variant.language) {
      *error = variant.where + ": problem " + id + " in " + variant.language +
               " was already read at " + v.where;
      return false;
    }
  }
  p.variants.push_back(std::move(variant));
  return true;
}

bool ListInputFiles(const ImportRequest& request, std::vector<std::string>* files,
                    std::string* error) {
  std::vector<std::string> inputs = {request.input};
  inputs.insert(inputs.end(), request.more_inputs.begin(), request.more_inputs.end());
  for (const std::string& input : inputs) {
    std::error_code ec;
    if (fs::is_directory(input, ec)) {
      std::vector<std::string> found;
      for (fs::recursive_directory_iterator it(input, ec), end; !ec && it != end;
           it.increment(ec))
        if (it->is_regular_file(ec) && IsDatasetFile(it->path())) found.push_back(it->path().string());
      if (ec) {
        *error = input + ": cannot list the folder: " + ec.message();
        return false;
      }
      if (found.empty()) {
        *error = input + ": the folder holds no .jsonl or .jsonl.gz file";
        return false;
      }
      std::sort(found.begin(), found.end());
      files->insert(files->end(), found.begin(), found.end());
    } else if (fs::is_regular_file(input, ec)) {
      files->push_back(input);
    } else {
      *error = input + ": no such file or folder";
      return false;
    }
  }
  return true;
}

bool LanguageUsable(const std::string& language, const std::string& style, std::string* why) {
  const Language* definition = FindLanguage(language);
  if (definition == nullptr) {
    *why = "Proctor has no language definition \"" + language + "\" (languages/" + language +
           ".yaml)";
    return false;
  }
  if (!definition->SupportsUnitStyle(style)) {
    *why = "language \"" + language + "\" does not support unit style " + style +
           " (its definition's unit_styles)";
    return false;
  }
  return true;
}

bool WriteMultilingualPack(const ImportRequest& request, const std::string& format,
                           const std::string& description, const MultilingualProblems& problems,
                           ImportReport* report, std::string* error) {
  std::vector<PackFile> files;
  YamlWriter w;
  w.String("name", request.pack_name.empty() ? format : request.pack_name);
  w.String("version", request.version);
  w.String("description", description);
  w.BeginMap("defaults");
  // Compiles of Java, Rust and TypeScript take seconds on a busy machine: the task limit
  // replaces each language's own compile wall clock and memory.
  w.Flow("limits", "{compile_wall_seconds: 60, compile_memory_mb: 1536}");
  w.End();
  files.push_back({"pack.yaml", w.Take()});
  for (const auto& [id, problem] : problems.problems()) {
    if (problem.variants.empty()) continue;
    files.push_back({"tasks/" + FileStem(id) + ".yaml", TaskYaml(format, problem)});
    ++report->tasks;
  }
  if (report->tasks == 0) {
    *error = request.input + ": no problem could be imported (see the notes)";
    for (const std::string& note : report->notes) *error += "\n  " + note;
    return false;
  }
  return WritePack(request.out_dir, files, error);
}

std::string SnakeCase(const std::string& name) {
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(name[i]);
    if (std::isupper(c)) {
      if (i > 0 && name[i - 1] != '_') out += '_';
      out += static_cast<char>(std::tolower(c));
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace proctor::grader::importers
