// A small thread pool of the addon's own (not libuv's): `run(fn)` calls fn(t, n) on n threads, the
// caller being thread 0, and returns when all are done. The kernels split their work by batch rows
// (the recurrence: rows are independent through time, so no thread waits on another per step) or
// by output column panels (the large products).
//
// A handover (a job given to a worker, the caller waiting for it) is first a bounded spin on an
// atomic with a pause instruction, then a sleep on a condition variable, as OpenMP runtimes do
// (KMP_BLOCKTIME): a training step hands jobs over tens of times (the recurrent weight's gradient
// alone in k blocks of two jobs each), and a sleeping thread's futex wake-up costs tens of
// microseconds each time, where a spinning one sees the job within a fraction of a microsecond.
// A worker spins only while a `Session` is open (the binding opens one per addon call: its jobs
// come microseconds apart, while between two calls JavaScript runs for hundreds of microseconds,
// where a spinning worker would only take a core from it, badly so on a loaded machine), and at
// most `spinUs` microseconds (RNNKIT_NATIVE_SPIN_US, default SPIN_US; 0 sleeps at once), less when
// the other thread keeps coming late (`SpinBudget`), so a pool idle between calls and between
// training steps sleeps and costs no CPU.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif
#if defined(__linux__)
#include <pthread.h>
#include <time.h>
#endif

namespace rnnkit {

// How long a handover spins at most before it sleeps, in microseconds: well past the gap between
// two jobs of one addon call on a quiet machine (a few microseconds), well short of a gap between
// two calls.
constexpr int SPIN_US = 100;
constexpr int SPIN_US_MAX = 100000;  // RNNKIT_NATIVE_SPIN_US above this is taken as this

// RNNKIT_NATIVE_SPIN_US when it is an integer in [0, SPIN_US_MAX] (larger: SPIN_US_MAX), else SPIN_US.
inline int spinUsFromEnv() {
  const char* env = std::getenv("RNNKIT_NATIVE_SPIN_US");
  if (env == nullptr || *env == '\0') return SPIN_US;
  char* end = nullptr;
  const long v = std::strtol(env, &end, 10);
  if (*end != '\0' || v < 0) return SPIN_US;
  return v > SPIN_US_MAX ? SPIN_US_MAX : (int)v;
}

// One iteration of a spin: tells the core it is a spin (frees the sibling hyperthread, saves power).
inline void spinPause() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

// Spins until done() or us microseconds have passed; returns done().
template <class Done>
bool spinFor(int us, Done done) {
  if (us <= 0) return done();
  const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(us);
  for (;;) {
    for (int i = 0; i < 16; i++) {  // the clock read every 16 pauses (a pause is ~10-140 cycles)
      if (done()) return true;
      spinPause();
    }
    if (std::chrono::steady_clock::now() >= until) return done();
  }
}

// How long one waiting thread spins, learnt from its handovers: doubled (up to the bound) when
// the other thread came within the spin, halved (down to SPIN_MIN_US) when it did not. On a
// quiet machine the other thread is running and comes within microseconds, so the spin stays at
// its bound; on a loaded one it has often lost its core, spinning on would keep that core from it,
// and the spin shrinks to a few microseconds.
struct SpinBudget {
  static constexpr int SPIN_MIN_US = 2;
  int bound, us;
  explicit SpinBudget(int b) : bound(b), us(b) {}
  void learn(bool hit) {
    us = hit ? (us * 2 > bound ? bound : us * 2) : (us / 2 < SPIN_MIN_US ? SPIN_MIN_US : us / 2);
    if (us > bound) us = bound;  // a bound below SPIN_MIN_US (0: no spin)
  }
};

class Pool {
 public:
  explicit Pool(int threads, int spinUs = SPIN_US)
      : n_(threads < 1 ? 1 : threads), spinUs_(spinUs < 0 ? 0 : spinUs) {
    for (int t = 1; t < n_; t++) workers_.emplace_back([this, t] { loop(t); });
  }
  ~Pool() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
      gen_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    for (auto& w : workers_) w.join();
  }
  int size() const { return n_; }
  int spinUs() const { return spinUs_; }

  // While one is open (one addon call), a worker spins for its next job; once none is, it sleeps.
  class Session {
   public:
    explicit Session(Pool& p) : p_(p) { p_.sessions_.fetch_add(1, std::memory_order_relaxed); }
    ~Session() { p_.sessions_.fetch_sub(1, std::memory_order_relaxed); }
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

   private:
    Pool& p_;
  };

  // The CPU time the workers (not the caller) have used, in milliseconds; -1 where it cannot be
  // read. An idle pool's stays flat: its workers sleep once their spin is over.
  double workersCpuMs() {
    double ms = 0;
    for (auto& w : workers_) {
#if defined(__linux__)
      clockid_t clock;
      timespec ts;
      if (pthread_getcpuclockid(w.native_handle(), &clock) != 0 || clock_gettime(clock, &ts) != 0)
        return -1;
      ms += ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
#else
      (void)w;
      return -1;
#endif
    }
    return ms;
  }

  // fn(t, n) on every thread; the caller is t = 0. Calls from several JS threads (workers that
  // loaded the addon too) take turns; fn must not call run itself.
  void run(const std::function<void(int, int)>& fn, int threads = 0) {
    std::lock_guard<std::mutex> turn(runMu_);
    int n = threads <= 0 || threads > n_ ? n_ : threads;
    if (n == 1) {
      fn(0, 1);
      return;
    }
    bool sleeping;
    {
      // under mu_: a worker about to sleep checks gen_ under it too, so it sees this job or is
      // counted in sleeping_ (and woken below)
      std::lock_guard<std::mutex> lock(mu_);
      fn_.store(&fn, std::memory_order_relaxed);
      active_.store(n, std::memory_order_relaxed);
      pending_.store(n - 1, std::memory_order_relaxed);
      gen_.fetch_add(1, std::memory_order_release);  // publishes fn_, active_, pending_
      sleeping = sleeping_ > 0;
    }
    if (sleeping) wake_.notify_all();
    fn(0, n);
    const auto finished = [this] { return pending_.load(std::memory_order_acquire) == 0; };
    const bool hit = spinFor(callerSpin_.us, finished);
    callerSpin_.learn(hit);
    if (!hit) {
      std::unique_lock<std::mutex> lock(mu_);
      callerWaits_ = true;
      done_.wait(lock, finished);
      callerWaits_ = false;
    }
    fn_.store(nullptr, std::memory_order_relaxed);
  }

 private:
  void loop(int t) {
    unsigned long seen = 0;
    const auto newJob = [&] { return gen_.load(std::memory_order_acquire) != seen; };
    // a job, or no session left to wait in (then the spin is neither a hit nor a miss)
    const auto stopSpin = [&] { return newJob() || sessions_.load(std::memory_order_relaxed) == 0; };
    SpinBudget budget(spinUs_);
    for (;;) {
      if (sessions_.load(std::memory_order_relaxed) > 0) {
        const bool stopped = spinFor(budget.us, stopSpin);
        if (newJob() || !stopped) budget.learn(newJob());
      }
      if (!newJob()) {
        std::unique_lock<std::mutex> lock(mu_);
        sleeping_++;
        wake_.wait(lock, newJob);
        sleeping_--;
      }
      seen = gen_.load(std::memory_order_acquire);
      // stop_ is set under mu_ before its gen_ bump; read it under mu_ only when the job says so
      const std::function<void(int, int)>* fn = fn_.load(std::memory_order_relaxed);
      const int n = active_.load(std::memory_order_relaxed);
      if (fn == nullptr) {
        std::lock_guard<std::mutex> lock(mu_);
        if (stop_) return;
        continue;
      }
      if (t < n) {
        (*fn)(t, n);
        if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
          // the caller may have gone to sleep: wake it (under mu_, so it cannot miss this)
          std::lock_guard<std::mutex> lock(mu_);
          if (callerWaits_) done_.notify_all();
        }
      }
    }
  }

  int n_;
  int spinUs_;
  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::mutex runMu_;
  std::condition_variable wake_, done_;
  // the job: written before gen_'s release, read after its acquire
  std::atomic<const std::function<void(int, int)>*> fn_{nullptr};
  std::atomic<int> active_{0};
  std::atomic<int> pending_{0};
  std::atomic<unsigned long> gen_{0};
  std::atomic<int> sessions_{0};  // Sessions open
  SpinBudget callerSpin_{spinUs_};  // the caller's wait for the workers (under runMu_)
  int sleeping_ = 0;          // workers waiting on wake_ (under mu_)
  bool callerWaits_ = false;  // the caller waiting on done_ (under mu_)
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
