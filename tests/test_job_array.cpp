// `--shard auto` (host/study/job_array.hpp): each scheduler's job-array environment mapped to
// shard i/n, and every missing or inconsistent environment refused naming --shard.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "core/usage_error.hpp"
#include "host/study/job_array.hpp"

namespace {

using Env = std::map<std::string, std::string>;
using xorseed::job_array_shard;
using xorseed::JobArrayShard;

void expect_shard(const Env& env, int index, int count, const std::string& source) {
  const JobArrayShard s = job_array_shard(env);
  EXPECT_EQ(s.index, index) << source;
  EXPECT_EQ(s.count, count) << source;
  EXPECT_EQ(s.source, source);
}

// The one-line message of a refused environment; "" when it was accepted.
std::string refusal(const Env& env) {
  try {
    job_array_shard(env);
  } catch (const xorseed::UsageError& e) {
    return e.what();
  }
  return "";
}

void expect_refused(const Env& env, const std::string& needle) {
  const std::string msg = refusal(env);
  ASSERT_FALSE(msg.empty()) << needle << ": accepted";
  EXPECT_EQ(msg.rfind("--shard: 'auto' ", 0), 0u) << msg;
  EXPECT_NE(msg.find(needle), std::string::npos) << msg;
  EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
}

TEST(JobArray, SlurmMinMax) {
  expect_shard({{"SLURM_ARRAY_TASK_ID", "3"}, {"SLURM_ARRAY_TASK_MIN", "1"}, {"SLURM_ARRAY_TASK_MAX", "8"}}, 3, 8,
               "SLURM_ARRAY_TASK_ID=3 of 1..8");
  // 0-based arrays: id 0 is shard 1.
  expect_shard({{"SLURM_ARRAY_TASK_ID", "0"}, {"SLURM_ARRAY_TASK_MIN", "0"}, {"SLURM_ARRAY_TASK_MAX", "3"},
                {"SLURM_ARRAY_TASK_COUNT", "4"}, {"SLURM_ARRAY_TASK_STEP", "1"}},
               1, 4, "SLURM_ARRAY_TASK_ID=0 of 0..3");
  expect_shard({{"SLURM_ARRAY_TASK_ID", "107"}, {"SLURM_ARRAY_TASK_MIN", "100"}, {"SLURM_ARRAY_TASK_MAX", "107"}}, 8, 8,
               "SLURM_ARRAY_TASK_ID=107 of 100..107");
  expect_shard({{"SLURM_ARRAY_TASK_ID", "5"}, {"SLURM_ARRAY_TASK_MIN", "5"}, {"SLURM_ARRAY_TASK_MAX", "5"}}, 1, 1,
               "SLURM_ARRAY_TASK_ID=5 of 5..5");
}

TEST(JobArray, SlurmCountAndStep) {
  expect_shard({{"SLURM_ARRAY_TASK_ID", "2"}, {"SLURM_ARRAY_TASK_MIN", "1"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}, 2, 4,
               "SLURM_ARRAY_TASK_ID=2 of 1..4");
  // --array=1-9:4: tasks 1, 5, 9.
  expect_shard({{"SLURM_ARRAY_TASK_ID", "5"}, {"SLURM_ARRAY_TASK_MIN", "1"}, {"SLURM_ARRAY_TASK_MAX", "9"},
                {"SLURM_ARRAY_TASK_COUNT", "3"}, {"SLURM_ARRAY_TASK_STEP", "4"}},
               2, 3, "SLURM_ARRAY_TASK_ID=5 of 1..9:4");
  expect_shard({{"SLURM_ARRAY_TASK_ID", "9"}, {"SLURM_ARRAY_TASK_MIN", "1"}, {"SLURM_ARRAY_TASK_COUNT", "3"},
                {"SLURM_ARRAY_TASK_STEP", "4"}},
               3, 3, "SLURM_ARRAY_TASK_ID=9 of 1..9:4");
}

TEST(JobArray, Sge) {
  expect_shard({{"SGE_TASK_ID", "4"}, {"SGE_TASK_FIRST", "1"}, {"SGE_TASK_LAST", "10"}, {"SGE_TASK_STEPSIZE", "1"}}, 4,
               10, "SGE_TASK_ID=4 of 1..10");
  // -t 1-10:3: tasks 1, 4, 7, 10; -t 2-9:3: tasks 2, 5, 8 (the last is 9, not a task).
  expect_shard({{"SGE_TASK_ID", "7"}, {"SGE_TASK_FIRST", "1"}, {"SGE_TASK_LAST", "10"}, {"SGE_TASK_STEPSIZE", "3"}}, 3,
               4, "SGE_TASK_ID=7 of 1..10:3");
  expect_shard({{"SGE_TASK_ID", "8"}, {"SGE_TASK_FIRST", "2"}, {"SGE_TASK_LAST", "9"}, {"SGE_TASK_STEPSIZE", "3"}}, 3,
               3, "SGE_TASK_ID=8 of 2..9:3");
  expect_shard({{"SGE_TASK_ID", "2"}, {"SGE_TASK_FIRST", "1"}, {"SGE_TASK_LAST", "2"}, {"SGE_TASK_STEPSIZE", "undefined"}},
               2, 2, "SGE_TASK_ID=2 of 1..2");
}

TEST(JobArray, Lsf) {
  expect_shard({{"LSB_JOBINDEX", "6"}, {"LSB_JOBINDEX_END", "16"}}, 6, 16, "LSB_JOBINDEX=6 of 1..16");
  expect_shard({{"LSB_JOBINDEX", "1"}, {"LSB_JOBINDEX_END", "2"}, {"LSB_JOBINDEX_STEP", "1"}}, 1, 2,
               "LSB_JOBINDEX=1 of 1..2");
}

TEST(JobArray, NoOrNonArrayEnvironmentIsRefused) {
  expect_refused({}, "found no job-array task id");
  // A job that is not an array: SGE says "undefined", LSF 0; Slurm's other variables without the id.
  expect_refused({{"SGE_TASK_ID", "undefined"}, {"SGE_TASK_FIRST", "undefined"}}, "found no job-array task id");
  expect_refused({{"LSB_JOBINDEX", "0"}}, "found no job-array task id");
  expect_refused({{"SLURM_ARRAY_TASK_COUNT", "4"}, {"SLURM_ARRAY_TASK_MIN", "1"}}, "found no job-array task id");
}

TEST(JobArray, InconsistentEnvironmentsAreRefused) {
  expect_refused({{"SLURM_ARRAY_TASK_ID", "3"}}, "without SLURM_ARRAY_TASK_MIN");
  expect_refused({{"SLURM_ARRAY_TASK_ID", "3"}, {"SLURM_ARRAY_TASK_MIN", "1"}},
                 "without SLURM_ARRAY_TASK_MAX or SLURM_ARRAY_TASK_COUNT");
  expect_refused({{"SLURM_ARRAY_TASK_ID", "9"}, {"SLURM_ARRAY_TASK_MIN", "1"}, {"SLURM_ARRAY_TASK_MAX", "8"}},
                 "SLURM_ARRAY_TASK_ID=9 outside its array 1..8");
  expect_refused({{"SLURM_ARRAY_TASK_ID", "0"}, {"SLURM_ARRAY_TASK_MIN", "1"}, {"SLURM_ARRAY_TASK_MAX", "8"}},
                 "outside its array 1..8");
  expect_refused({{"SLURM_ARRAY_TASK_ID", "3"}, {"SLURM_ARRAY_TASK_MIN", "8"}, {"SLURM_ARRAY_TASK_MAX", "1"}},
                 "the range is empty");
  // --array=1,3,7: min 1, max 7, but 3 tasks.
  expect_refused({{"SLURM_ARRAY_TASK_ID", "3"}, {"SLURM_ARRAY_TASK_MIN", "1"}, {"SLURM_ARRAY_TASK_MAX", "7"},
                  {"SLURM_ARRAY_TASK_COUNT", "3"}},
                 "SLURM_ARRAY_TASK_COUNT=3 but 1..7 holds 7 task(s)");
  expect_refused({{"SLURM_ARRAY_TASK_ID", "2"}, {"SLURM_ARRAY_TASK_MIN", "1"}, {"SLURM_ARRAY_TASK_MAX", "9"},
                  {"SLURM_ARRAY_TASK_STEP", "4"}},
                 "SLURM_ARRAY_TASK_ID=2, which is not a task of 1..9:4");
  expect_refused({{"SLURM_ARRAY_TASK_ID", "2"}, {"SLURM_ARRAY_TASK_MIN", "1"}, {"SLURM_ARRAY_TASK_MAX", "9"},
                  {"SLURM_ARRAY_TASK_STEP", "0"}},
                 "the step must be >= 1");
  expect_refused({{"SLURM_ARRAY_TASK_ID", "x"}, {"SLURM_ARRAY_TASK_MIN", "1"}, {"SLURM_ARRAY_TASK_MAX", "9"}},
                 "needs SLURM_ARRAY_TASK_ID to be a non-negative integer; it is 'x'");
  expect_refused({{"SLURM_ARRAY_TASK_ID", "1"}, {"SLURM_ARRAY_TASK_MIN", "-1"}, {"SLURM_ARRAY_TASK_MAX", "9"}},
                 "SLURM_ARRAY_TASK_MIN to be a non-negative integer; it is '-1'");
  expect_refused({{"SLURM_ARRAY_TASK_ID", "1"}, {"SLURM_ARRAY_TASK_MIN", "1"}, {"SLURM_ARRAY_TASK_MAX", ""}},
                 "SLURM_ARRAY_TASK_MAX to be a non-negative integer; it is ''");
  expect_refused({{"SLURM_ARRAY_TASK_ID", "1"}, {"SLURM_ARRAY_TASK_MIN", "1"}, {"SLURM_ARRAY_TASK_MAX", "2000000"}},
                 "2000000 tasks, more than 1000000");
  expect_refused({{"SLURM_ARRAY_TASK_ID", "1"}, {"SLURM_ARRAY_TASK_MIN", "1"}, {"SLURM_ARRAY_TASK_COUNT", "0"}},
                 "SLURM_ARRAY_TASK_COUNT=0; it must be 1..1000000");
  expect_refused({{"SGE_TASK_ID", "3"}, {"SGE_TASK_FIRST", "1"}}, "found SGE_TASK_ID=3 without SGE_TASK_LAST");
  expect_refused({{"SGE_TASK_ID", "3"}, {"SGE_TASK_FIRST", "1"}, {"SGE_TASK_LAST", "undefined"}}, "without SGE_TASK_LAST");
  expect_refused({{"SGE_TASK_ID", "11"}, {"SGE_TASK_FIRST", "1"}, {"SGE_TASK_LAST", "10"}}, "outside its array 1..10");
  expect_refused({{"LSB_JOBINDEX", "3"}}, "found LSB_JOBINDEX=3 without LSB_JOBINDEX_END");
  expect_refused({{"LSB_JOBINDEX", "3"}, {"LSB_JOBINDEX_END", "9"}, {"LSB_JOBINDEX_STEP", "2"}},
                 "LSB_JOBINDEX_STEP=2: LSF does not export the array's first index");
  expect_refused({{"PBS_ARRAY_INDEX", "3"}}, "found PBS_ARRAY_INDEX=3, but PBS does not export the array's range");
  expect_refused({{"PBS_ARRAYID", "3"}}, "found PBS_ARRAYID=3, but Torque does not export the array's range");
  expect_refused({{"SLURM_ARRAY_TASK_ID", "3"}, {"SLURM_ARRAY_TASK_MIN", "1"}, {"SLURM_ARRAY_TASK_MAX", "8"},
                  {"SGE_TASK_ID", "2"}},
                 "found the task ids of two schedulers, Slurm (SLURM_ARRAY_TASK_ID=3) and SGE (SGE_TASK_ID=2)");
  // Every refusal ends by saying what to do instead.
  EXPECT_NE(refusal({}).find("give --shard i/n instead"), std::string::npos);
}

TEST(JobArray, EveryTaskOfAnArrayGetsADistinctShardCoveringAll) {
  for (int step : {1, 3}) {
    std::map<int, int> seen;  // index -> times
    for (int id = 4; id <= 20; id += step) {
      const JobArrayShard s = job_array_shard({{"SGE_TASK_ID", std::to_string(id)}, {"SGE_TASK_FIRST", "4"},
                                               {"SGE_TASK_LAST", "20"}, {"SGE_TASK_STEPSIZE", std::to_string(step)}});
      EXPECT_EQ(s.count, 16 / step + 1);
      ++seen[s.index];
    }
    ASSERT_EQ(seen.size(), static_cast<size_t>(16 / step + 1));
    EXPECT_EQ(seen.begin()->first, 1);
    EXPECT_EQ(seen.rbegin()->first, 16 / step + 1);
    for (const auto& [index, times] : seen) EXPECT_EQ(times, 1) << index;
  }
}

}  // namespace
