import Foundation

/// Where the machine's CPU went over an interval: the whole machine (/proc/stat), the bench
/// process itself (its producer) and a child. What is left is everything else on the machine:
/// the broker, Redis, the kernel's loopback network. Says whether a latency figure was taken
/// on a saturated machine.
struct CPUShares {
    struct Reading {
        var machineBusy: Double   // seconds of CPU, all cores, not idle or waiting for I/O
        var own: Double           // this process
        var child: Double
    }

    static func read(child: ChildProcess) -> Reading {
        Reading(machineBusy: machineBusySeconds(), own: ownSeconds(), child: child.cpuSeconds() ?? 0)
    }

    /// Cores used on average between two readings `seconds` apart.
    struct Cores { var machine: Double; var bench: Double; var child: Double; var rest: Double; var available: Int }

    static func cores(from a: Reading, to b: Reading, seconds: Double) -> Cores {
        let machine = (b.machineBusy - a.machineBusy) / seconds
        let bench = (b.own - a.own) / seconds
        let child = (b.child - a.child) / seconds
        return Cores(machine: machine, bench: bench, child: child, rest: max(0, machine - bench - child),
                     available: ProcessInfo.processInfo.activeProcessorCount)
    }

    private static let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// First line of /proc/stat: "cpu user nice system idle iowait irq softirq steal ...", in ticks.
    private static func machineBusySeconds() -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let line = stat.split(separator: "\n").first else { return 0 }
        let values = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard values.count >= 8 else { return 0 }
        return (values[0] + values[1] + values[2] + values[5] + values[6] + values[7]) / ticks
    }

    private static func ownSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1_000_000 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
