// A study run by several processes (MPI ranks) into one directory (README.md "MPI studies";
// docs/distributed.md). The design: rank r of K runs the study's shard r+1/K, as `--shard r+1/K`
// would, into its own sealed shard directory DIR/ranks/r<r>; when every rank is done, rank 0
// merges those directories (the exact integer merge of `xorseed merge`) into DIR: summary,
// networks.csv and plots. No statistic crosses the network; what the ranks exchange is a status
// code per stage and, on a failure, the failing rank's message.
//
// DIR/ranks.json records K. `--resume` of such a directory with any number of processes K'
// (one plain process included) gives part k (DIR/ranks/r<k>, shard k+1/K) to process k mod K',
// each part resumed where it stopped (or started, if it never was), then merges: the same summary
// as an uninterrupted run. A directory first run by one process (no ranks.json) is resumed by
// rank 0 alone.
//
// A rank that fails (an exception) tells the others, which stop after their chunk in flight
// (saved; the directory stays resumable); rank 0 then reports one line naming the failing rank
// and its cause, and every rank exits with that rank's code (1, or 2 for bad input).
#pragma once
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "host/study/study_runner.hpp"

namespace xorseed {

// The processes of one run. The one-process implementation is LocalComm; host/study/study_mpi.cpp
// has MPI's.
class StudyComm {
 public:
  virtual ~StudyComm() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  // Collective: every rank's code, indexed by rank.
  virtual std::vector<int> all_codes(int code) = 0;
  // Collective: the text of `root` on every rank.
  virtual std::string broadcast(int root, const std::string& text) = 0;
  // This rank failed: tells every other rank, without waiting (peer_failed turns true there).
  virtual void tell_failure() = 0;
  // Has another rank told a failure? Does not wait.
  virtual bool peer_failed() = 0;
  // Collective, last: receives the tell_failure messages of the ranks in `told` (codes != 0 and != kStoppedForPeer).
  virtual void finish(const std::vector<int>& codes) = 0;
};

class LocalComm : public StudyComm {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  std::vector<int> all_codes(int code) override { return {code}; }
  std::string broadcast(int, const std::string& text) override { return text; }
  void tell_failure() override {}
  bool peer_failed() override { return false; }
  void finish(const std::vector<int>&) override {}
};

// A rank's code after it stopped because another rank failed (not a cause of its own).
constexpr int kStoppedForPeer = 64;

// How a run of the ranks ended: code 0, or the failing rank's code (1, 2) and the one-line message
// for rank 0 to print ("rank 1: cannot write ..." ; a bad input of every rank: its own message).
struct RanksOutcome {
  int code = 0;
  std::string message;
};

// Runs (or resumes) the study in options.out_dir with the processes of `comm` as above. With one
// process and no DIR/ranks.json this is run_study. Every rank returns the same outcome; the
// caller prints rank 0's message. `log`: rank 0's progress (the others pass a null device).
RanksOutcome run_study_ranks(StudySpec spec, StudyRunOptions options, StudyComm& comm, std::FILE* log);

// DIR holds a study of several ranks (DIR/ranks.json).
bool is_ranks_study_dir(const std::string& dir);

}  // namespace xorseed
