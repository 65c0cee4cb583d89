#include "host/study/job_array.hpp"

#include <cstdint>
#include <cstdlib>
#include <optional>

#include <fmt/format.h>

#include "core/usage_error.hpp"

namespace xorseed {

namespace {

constexpr int64_t kMaxShards = 1000000;  // as parse_shard

[[noreturn]] void refuse(const std::string& what) {
  throw UsageError(fmt::format("--shard: 'auto' {}; give --shard i/n instead", what));
}

// A set variable's value, or nullopt; `absent` values (SGE's "undefined") count as unset.
std::optional<std::string> get(const std::map<std::string, std::string>& env, const std::string& name,
                               const char* absent = nullptr) {
  const auto it = env.find(name);
  if (it == env.end() || (absent && it->second == absent)) return std::nullopt;
  return it->second;
}

// A decimal integer 0..2^62, else refused naming the variable.
int64_t integer(const std::string& name, const std::string& value) {
  if (value.empty() || value.size() > 18 || value.find_first_not_of("0123456789") != std::string::npos)
    refuse(fmt::format("needs {} to be a non-negative integer; it is '{}'", name,
                       value.size() > 40 ? value.substr(0, 40) + "..." : value));
  return std::strtoll(value.c_str(), nullptr, 10);
}

int64_t required(const std::map<std::string, std::string>& env, const std::string& name, const std::string& id_text,
                 const char* absent = nullptr) {
  const auto v = get(env, name, absent);
  if (!v) refuse(fmt::format("found {} without {}: the array's range is unknown", id_text, name));
  return integer(name, *v);
}

// Task `id` of first..last:step as shard i/n.
JobArrayShard map_task(const std::string& id_name, int64_t id, int64_t first, int64_t last, int64_t step) {
  const std::string range = step == 1 ? fmt::format("{}..{}", first, last) : fmt::format("{}..{}:{}", first, last, step);
  const std::string id_text = fmt::format("{}={}", id_name, id);
  if (step < 1) refuse(fmt::format("found {} with a step of {}; the step must be >= 1", id_text, step));
  if (last < first) refuse(fmt::format("found {} of {}: the range is empty", id_text, range));
  if (id < first || id > last) refuse(fmt::format("found {} outside its array {}", id_text, range));
  if ((id - first) % step != 0) refuse(fmt::format("found {}, which is not a task of {}", id_text, range));
  const int64_t n = (last - first) / step + 1;
  if (n > kMaxShards) refuse(fmt::format("found {} of {}: {} tasks, more than {}", id_text, range, n, kMaxShards));
  JobArrayShard s;
  s.index = static_cast<int>((id - first) / step + 1);
  s.count = static_cast<int>(n);
  s.source = fmt::format("{} of {}", id_text, range);
  return s;
}

JobArrayShard slurm(const std::map<std::string, std::string>& env) {
  const int64_t id = integer("SLURM_ARRAY_TASK_ID", *get(env, "SLURM_ARRAY_TASK_ID"));
  const std::string id_text = fmt::format("SLURM_ARRAY_TASK_ID={}", id);
  const int64_t first = required(env, "SLURM_ARRAY_TASK_MIN", id_text);
  const auto step_v = get(env, "SLURM_ARRAY_TASK_STEP");
  const int64_t step = step_v ? integer("SLURM_ARRAY_TASK_STEP", *step_v) : 1;
  const auto max_v = get(env, "SLURM_ARRAY_TASK_MAX"), count_v = get(env, "SLURM_ARRAY_TASK_COUNT");
  if (!max_v && !count_v)
    refuse(fmt::format("found {} without SLURM_ARRAY_TASK_MAX or SLURM_ARRAY_TASK_COUNT: the array's range is unknown",
                       id_text));
  int64_t last = 0;
  if (max_v) {
    last = integer("SLURM_ARRAY_TASK_MAX", *max_v);
  } else {
    const int64_t count = integer("SLURM_ARRAY_TASK_COUNT", *count_v);
    if (count < 1 || count > kMaxShards) refuse(fmt::format("found SLURM_ARRAY_TASK_COUNT={}; it must be 1..{}", count, kMaxShards));
    if (step < 1) refuse(fmt::format("found {} with a step of {}; the step must be >= 1", id_text, step));
    if (count - 1 > (INT64_MAX - first) / step)
      refuse(fmt::format("found SLURM_ARRAY_TASK_COUNT={} with a step of {}: the range is too large", count, step));
    last = first + (count - 1) * step;
  }
  JobArrayShard s = map_task("SLURM_ARRAY_TASK_ID", id, first, last, step);
  if (max_v && count_v) {
    const int64_t count = integer("SLURM_ARRAY_TASK_COUNT", *count_v);
    if (count != s.count)
      refuse(fmt::format("found SLURM_ARRAY_TASK_COUNT={} but {} holds {} task(s): the array is not one evenly spaced "
                         "range (e.g. --array=1,3,7)",
                         count, s.source.substr(s.source.find(" of ") + 4), s.count));
  }
  return s;
}

JobArrayShard sge(const std::map<std::string, std::string>& env) {
  const int64_t id = integer("SGE_TASK_ID", *get(env, "SGE_TASK_ID", "undefined"));
  const std::string id_text = fmt::format("SGE_TASK_ID={}", id);
  const int64_t first = required(env, "SGE_TASK_FIRST", id_text, "undefined");
  const int64_t last = required(env, "SGE_TASK_LAST", id_text, "undefined");
  const auto step_v = get(env, "SGE_TASK_STEPSIZE", "undefined");
  return map_task("SGE_TASK_ID", id, first, last, step_v ? integer("SGE_TASK_STEPSIZE", *step_v) : 1);
}

JobArrayShard lsf(const std::map<std::string, std::string>& env) {
  const int64_t id = integer("LSB_JOBINDEX", *get(env, "LSB_JOBINDEX", "0"));
  const std::string id_text = fmt::format("LSB_JOBINDEX={}", id);
  const int64_t last = required(env, "LSB_JOBINDEX_END", id_text);
  if (const auto step_v = get(env, "LSB_JOBINDEX_STEP"); step_v && integer("LSB_JOBINDEX_STEP", *step_v) != 1)
    refuse(fmt::format("found LSB_JOBINDEX_STEP={}: LSF does not export the array's first index, so only name[1-N] "
                       "(step 1) maps to shards",
                       *step_v));
  return map_task("LSB_JOBINDEX", id, 1, last, 1);
}

}  // namespace

const std::vector<std::string>& job_array_variables() {
  static const std::vector<std::string> names = {
      "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN",  "SLURM_ARRAY_TASK_MAX", "SLURM_ARRAY_TASK_COUNT",
      "SLURM_ARRAY_TASK_STEP", "SGE_TASK_ID",         "SGE_TASK_FIRST",       "SGE_TASK_LAST",
      "SGE_TASK_STEPSIZE",   "LSB_JOBINDEX",          "LSB_JOBINDEX_END",     "LSB_JOBINDEX_STEP",
      "PBS_ARRAY_INDEX",     "PBS_ARRAYID"};
  return names;
}

JobArrayShard job_array_shard(const std::map<std::string, std::string>& env) {
  // Which schedulers name a task: (scheduler, "VAR=value").
  std::vector<std::pair<std::string, std::string>> found;
  const auto task = [&](const char* scheduler, const char* var, const char* absent) {
    if (const auto v = get(env, var, absent)) found.emplace_back(scheduler, fmt::format("{}={}", var, *v));
  };
  task("Slurm", "SLURM_ARRAY_TASK_ID", nullptr);
  task("SGE", "SGE_TASK_ID", "undefined");
  task("LSF", "LSB_JOBINDEX", "0");
  task("PBS", "PBS_ARRAY_INDEX", nullptr);
  task("Torque", "PBS_ARRAYID", nullptr);
  if (found.empty())
    refuse("found no job-array task id (SLURM_ARRAY_TASK_ID, SGE_TASK_ID, LSB_JOBINDEX, PBS_ARRAY_INDEX or "
           "PBS_ARRAYID): run it as a task of a job array");
  if (found.size() > 1)
    refuse(fmt::format("found the task ids of two schedulers, {} ({}) and {} ({}); unset one", found[0].first,
                       found[0].second, found[1].first, found[1].second));
  const std::string& scheduler = found[0].first;
  if (scheduler == "Slurm") return slurm(env);
  if (scheduler == "SGE") return sge(env);
  if (scheduler == "LSF") return lsf(env);
  // PBS Pro and Torque export the task's index but not the array's range.
  refuse(fmt::format("found {}, but {} does not export the array's range (its first and last index)",
                     found[0].second, scheduler));
}

std::map<std::string, std::string> job_array_environment() {
  std::map<std::string, std::string> env;
  for (const std::string& name : job_array_variables())
    if (const char* v = std::getenv(name.c_str())) env[name] = v;
  return env;
}

}  // namespace xorseed
