// A small thread pool of the addon's own (not libuv's): `run(fn)` calls fn(t, n) on n threads, the
// caller being thread 0, and returns when all are done. The kernels split their work by batch rows
// (the recurrence: rows are independent through time, so no thread waits on another per step) or
// by output column panels (the large products).
#pragma once
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace rnnkit {

class Pool {
 public:
  explicit Pool(int threads) : n_(threads < 1 ? 1 : threads) {
    for (int t = 1; t < n_; t++) workers_.emplace_back([this, t] { loop(t); });
  }
  ~Pool() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
      gen_++;
    }
    wake_.notify_all();
    for (auto& w : workers_) w.join();
  }
  int size() const { return n_; }

  // fn(t, n) on every thread; the caller is t = 0. Calls from several JS threads (workers that
  // loaded the addon too) take turns; fn must not call run itself.
  void run(const std::function<void(int, int)>& fn, int threads = 0) {
    std::lock_guard<std::mutex> turn(runMu_);
    int n = threads <= 0 || threads > n_ ? n_ : threads;
    if (n == 1) {
      fn(0, 1);
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      fn_ = &fn;
      active_ = n;
      pending_.store(n - 1);
      gen_++;
    }
    wake_.notify_all();
    fn(0, n);
    // a short spin first: the other thread usually finishes within microseconds of this one
    for (int i = 0; i < 4000 && pending_.load(std::memory_order_acquire) != 0; i++) {
      std::this_thread::yield();
    }
    std::unique_lock<std::mutex> lock(mu_);
    done_.wait(lock, [this] { return pending_.load() == 0; });
    fn_ = nullptr;
  }

 private:
  void loop(int t) {
    unsigned long seen = 0;
    for (;;) {
      const std::function<void(int, int)>* fn;
      int n;
      {
        std::unique_lock<std::mutex> lock(mu_);
        wake_.wait(lock, [&] { return gen_ != seen; });
        seen = gen_;
        if (stop_) return;
        fn = fn_;
        n = active_;
      }
      if (t < n) {
        (*fn)(t, n);
        if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
          std::lock_guard<std::mutex> lock(mu_);
          done_.notify_all();
        }
      }
    }
  }

  int n_;
  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::mutex runMu_;
  std::condition_variable wake_, done_;
  const std::function<void(int, int)>* fn_ = nullptr;
  int active_ = 0;
  std::atomic<int> pending_{0};
  unsigned long gen_ = 0;
  bool stop_ = false;
};

Pool& pool();

// Below this many floating-point operations a kernel runs on the calling thread alone: waking the
// other thread and waiting for it costs more than it saves (W2's runs, LSTM 32 over 5 steps of a
// batch of 32, are about 1 MFLOP each; W1's are tens of MFLOP). The work is split by rows or
// column panels computed the same way on any thread, so the numbers do not depend on it.
constexpr double kParallelMinFlops = 4e6;

// The `threads` argument of Pool::run for a kernel of about `flops` operations: 1, or 0 (all).
inline int threadsFor(double flops) { return flops < kParallelMinFlops ? 1 : 0; }

}  // namespace rnnkit
