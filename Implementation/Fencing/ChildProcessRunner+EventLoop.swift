@preconcurrency import Glibc

extension ChildProcessRunner {
    /// The `poll` loop of one run: output lines, the leader's exit, and the time limits.
    ///
    /// The loop has no iteration count: every pass either consumes an event or passes a
    /// deadline, and there are at most four deadlines (the time limit, the SIGTERM grace, the
    /// SIGKILL wait, the output drain), so it ends.
    struct EventLoop {
        /// Where the run stands.
        private enum Phase {
            /// Within the time limit.
            case running
            /// Over it: SIGTERM sent to the group; SIGKILL at the instant given.
            case terminating(until: ContinuousClock.Instant)
            /// SIGKILL sent; give up on the leader at the instant given.
            case killing(until: ContinuousClock.Instant)
        }

        let pid: pid_t
        let deadline: ContinuousClock.Instant
        /// Whether the group was stopped: the time limit passed (or, never seen, `poll` failed).
        private(set) var timedOut = false
        private var phase = Phase.running
        /// The read ends still open: output, error, exit notification (-1 once closed).
        private var descriptors: [Int32]
        private var splitters = [OutputLineSplitter(), OutputLineSplitter()]
        /// Set when the leader's exit is known: reading stops at this instant.
        private var drainDeadline: ContinuousClock.Instant?

        init(pid: pid_t, outputDescriptor: Int32, errorDescriptor: Int32, exitDescriptor: Int32,
             deadline: ContinuousClock.Instant) {
            self.pid = pid
            self.deadline = deadline
            descriptors = [outputDescriptor, errorDescriptor, exitDescriptor]
        }

        /// Runs until the leader has exited and its output is read (or the drain time is over),
        /// or until the runner gives up on a leader that SIGKILL did not end.
        /// Closes every descriptor it was given before it returns.
        mutating func run(line: (Output, String) -> Void) {
            var buffer = [UInt8](repeating: 0, count: ChildProcessRunner.readChunkBytes)
            while true {
                if drainDeadline != nil && descriptors[0] < 0 && descriptors[1] < 0 { break }
                let now = ContinuousClock.now
                let wakeAt = nextDeadline()
                if now >= wakeAt {
                    if drainDeadline != nil || !passDeadline(now) { break }
                    continue
                }
                var pollDescriptors = descriptors.filter { $0 >= 0 }.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
                let ready = poll(&pollDescriptors, nfds_t(pollDescriptors.count), Self.milliseconds(from: now, to: wakeAt))
                if ready < 0 && errno != EINTR {
                    // poll itself failed (EINVAL, ENOMEM): stop the child rather than leave it unwatched.
                    timedOut = true
                    kill(-pid, SIGKILL)
                    break
                }
                guard ready > 0 else { continue }
                for entry in pollDescriptors where entry.revents != 0 {
                    guard let index = descriptors.firstIndex(of: entry.fd) else { continue }
                    if index == 2 {
                        noteExit()
                    } else {
                        readOutput(index, into: &buffer, line: line)
                    }
                }
            }
            flushPartialLines(line: line)
            for descriptor in descriptors where descriptor >= 0 { close(descriptor) }
            descriptors = [-1, -1, -1]
        }

        /// The instant at which the loop must act next.
        private func nextDeadline() -> ContinuousClock.Instant {
            if let drainDeadline { return drainDeadline }
            switch phase {
            case .running: return deadline
            case .terminating(let until), .killing(let until): return until
            }
        }

        /// Acts on a passed deadline while the leader runs; false means give up on it.
        private mutating func passDeadline(_ now: ContinuousClock.Instant) -> Bool {
            switch phase {
            case .running:
                timedOut = true
                kill(-pid, SIGTERM)
                kill(-pid, SIGCONT)
                phase = .terminating(until: now + ChildProcessRunner.terminateGrace)
                return true
            case .terminating:
                kill(-pid, SIGKILL)
                phase = .killing(until: now + ChildProcessRunner.killWaitMax)
                return true
            case .killing:
                return false
            }
        }

        /// The waiter thread reported the leader's exit: read what is left, then stop.
        private mutating func noteExit() {
            var byte: UInt8 = 0
            _ = recv(descriptors[2], &byte, 1, 0)
            close(descriptors[2])
            descriptors[2] = -1
            let now = ContinuousClock.now
            if timedOut {
                // Processes the leader left behind (a backgrounded `sleep`) go with the group.
                kill(-pid, SIGKILL)
                drainDeadline = now + ChildProcessRunner.outputDrainAfterExit
            } else {
                // A command that finished in time is not held up past its time limit by output.
                drainDeadline = max(now, min(deadline, now + ChildProcessRunner.outputDrainAfterExit))
            }
        }

        /// Reads once from output `index` (0 stdout, 1 stderr); closes it at end of file.
        private mutating func readOutput(_ index: Int, into buffer: inout [UInt8], line: (Output, String) -> Void) {
            let count = read(descriptors[index], &buffer, buffer.count)
            if count < 0 && (errno == EINTR || errno == EAGAIN) { return }
            let output: Output = index == 0 ? .standardOutput : .standardError
            guard count > 0 else {
                if let last = splitters[index].finish() { line(output, last) }
                close(descriptors[index])
                descriptors[index] = -1
                return
            }
            for text in splitters[index].append(buffer[0..<count]) { line(output, text) }
        }

        /// Hands out unterminated last lines of outputs that are still open.
        private mutating func flushPartialLines(line: (Output, String) -> Void) {
            for index in 0..<2 where descriptors[index] >= 0 {
                if let last = splitters[index].finish() { line(index == 0 ? .standardOutput : .standardError, last) }
            }
        }

        /// `poll`'s timeout for the time from `now` to `end`: whole milliseconds, rounded up, at
        /// least 1, at most a day (a longer wait just loops).
        static func milliseconds(from now: ContinuousClock.Instant, to end: ContinuousClock.Instant) -> Int32 {
            let remaining = now.duration(to: end)
            let components = remaining.components
            let whole = components.seconds * 1_000 + components.attoseconds / 1_000_000_000_000_000
            let roundedUp = whole + (components.attoseconds % 1_000_000_000_000_000 > 0 ? 1 : 0)
            return Int32(clamping: min(max(roundedUp, 1), 86_400_000))
        }
    }
}
