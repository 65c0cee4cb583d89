// `--shard auto`: the shard of a job-array task, from the scheduler's environment (README.md
// "Job arrays"). A pure function of the variables (job_array_shard) and the one place that reads
// them (job_array_environment), so the mapping is unit-tested without a scheduler.
//
// The mapping: a task id `id` of an array first..last with step s (s = 1 unless the scheduler
// says otherwise) is shard i/n with
//     i = (id - first) / s + 1,   n = (last - first) / s + 1   (integer division),
// i.e. i = id - first + 1, n = last - first + 1 for the usual step 1.
//   Slurm:  SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_MIN, and SLURM_ARRAY_TASK_MAX or
//           SLURM_ARRAY_TASK_COUNT (both: they must agree, which refuses a list like --array=1,3,7),
//           SLURM_ARRAY_TASK_STEP (default 1).
//   SGE:    SGE_TASK_ID, SGE_TASK_FIRST, SGE_TASK_LAST, SGE_TASK_STEPSIZE (default 1);
//           "undefined" (a job that is not an array) counts as absent.
//   LSF:    LSB_JOBINDEX, LSB_JOBINDEX_END; the first index is 1 (LSF does not export it: submit
//           name[1-N]); LSB_JOBINDEX_STEP other than 1 is refused; LSB_JOBINDEX=0 (not an array)
//           counts as absent.
//   PBS Pro / Torque: PBS_ARRAY_INDEX / PBS_ARRAYID give the index but not the array's range, so
//           `auto` refuses them and says to pass --shard i/n.
// No task id, ids of two schedulers, a non-integer, an id outside its range or not on its step,
// more than 1000000 tasks: UsageError naming --shard.
#pragma once
#include <map>
#include <string>
#include <vector>

namespace xorseed {

struct JobArrayShard {
  int index = 1, count = 1;
  std::string source;  // what was read: "SLURM_ARRAY_TASK_ID=3 of 1..8" ("of 1..9:2" with a step)
};

// The variables job_array_shard reads, in the order it reads them.
const std::vector<std::string>& job_array_variables();

// The shard of the task whose environment is `env` (variable -> value; absent = not set).
JobArrayShard job_array_shard(const std::map<std::string, std::string>& env);

// The process's own values of job_array_variables() (those that are set).
std::map<std::string, std::string> job_array_environment();

}  // namespace xorseed
