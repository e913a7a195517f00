import Foundation

/// A task executor with one thread of its own, for background work that runs in long
/// stretches: SQLite writes, the prediction log's batches.
///
/// Swift's cooperative pool has one thread per core (two here). A batch that holds a pool
/// thread for milliseconds leaves requests queued behind it with half the threads, which is
/// what a server's p99 latency shows. On a thread of its own the same work is scheduled by
/// the kernel, in slices, beside the request threads instead of in place of one. Tasks
/// started with `Task(executorPreference:)` run here, continuations included.
public final class ThreadExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked: `jobs` and `stopped` are only touched with `condition` locked.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopped = false

    /// - Parameter name: the thread's name, as `top -H` and `perf` show it (Linux keeps
    ///   15 characters).
    public init(name: String) {
        // Named from inside: on Linux, Foundation names a thread only when the thread itself
        // sets its name; set before `start`, the new thread would keep its creator's name.
        let thread = Thread { [self] in
            Thread.current.name = name
            runLoop()
        }
        thread.start()
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        condition.lock()
        if stopped {
            // Late work still runs, on the shared pool: a task never hangs on a stopped thread.
            condition.unlock()
            globalConcurrentExecutor.enqueue(job)
            return
        }
        jobs.append(UnownedJob(job))
        condition.signal()
        condition.unlock()
    }

    /// Ends the thread once the jobs queued so far have run; later jobs run on the shared pool.
    public func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    private func runLoop() {
        var batch: [UnownedJob] = []
        while true {
            condition.lock()
            while jobs.isEmpty && !stopped { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            // Take every queued job at once (one lock round trip for a burst); the two
            // buffers swap, so neither is reallocated.
            swap(&batch, &jobs)
            condition.unlock()
            for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
            batch.removeAll(keepingCapacity: true)
        }
    }
}
