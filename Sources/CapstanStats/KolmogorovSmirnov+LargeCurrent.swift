extension KolmogorovSmirnov {
    /// ``twoSample(sortedReference:sortedCurrent:)`` for a current sample much larger than
    /// the reference (a monitor's window of a million predictions against a reference of up
    /// to 1,000 rows, where Evidently picks this test), without sorting the current sample.
    ///
    /// Between two neighbouring distinct reference values the reference CDF is flat and the
    /// current CDF only rises, so the largest gap on that interval is at one of its ends:
    /// at the reference value itself, or at the interval's last current value. Counting the
    /// current values in each interval, and those equal to its reference value, gives both;
    /// each value is placed among the reference values (``StepLocator``) rather than sorted.
    /// The differences are formed as i/n₁ − j/n₂ at the same points scipy evaluates, so the
    /// statistic is the same number. nil when a side is empty.
    public static func twoSample(sortedReference reference: [Double], unsortedCurrent current: [Double]) -> TestResult? {
        guard !reference.isEmpty, !current.isEmpty else { return nil }
        return test(statistic: statistic(sortedReference: reference, unsortedCurrent: current), reference.count, current.count)
    }

    static func statistic(sortedReference reference: [Double], unsortedCurrent current: [Double]) -> Double {
        let steps = CDFSteps(sorted: reference)
        // Per interval [steps[k], steps[k+1]): its current values, and those equal to steps[k].
        var counts = [Int](repeating: 0, count: steps.values.count)
        var equal = [Int](repeating: 0, count: steps.values.count)
        var belowCount = 0
        let locator = StepLocator(steps.values)
        for value in current {
            let interval = locator.lastIndex(atMost: value)
            if interval < 0 {
                belowCount += 1
            } else {
                counts[interval] += 1
                if value == steps.values[interval] { equal[interval] += 1 }
            }
        }
        let size1 = Double(reference.count), size2 = Double(current.count)
        // Below the first reference value: no reference mass, all of `belowCount`.
        var largest = 0.0, smallest = -Double(belowCount) / size2
        var before = belowCount
        for interval in steps.values.indices {
            let referenceShare = Double(steps.countAtOrBelow[interval]) / size1
            // At the reference value, then at the interval's last current value.
            for currentCount in [before + equal[interval], before + counts[interval]] {
                let difference = referenceShare - Double(currentCount) / size2
                largest = max(largest, difference)
                smallest = min(smallest, difference)
            }
            before += counts[interval]
        }
        let below = min(max(-smallest, 0), 1)
        return below > largest ? below : largest
    }
}
