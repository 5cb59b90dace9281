/// Number formatting for reports, without locale dependence (the same text on every machine).
public enum Format {
    /// `1745408` → `1,745,408`.
    public static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (position, digit) in digits.enumerated() {
            if position > 0 && (digits.count - position) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return (value < 0 ? "-" : "") + grouped
    }

    /// Seconds with two decimals: `0.93s`.
    public static func seconds(_ value: Double) -> String { fixed(value, decimals: 2) + "s" }

    /// `value` rounded to `decimals` places, without Foundation's locale-dependent formatting.
    public static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "\(value)" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        let whole = Int(scaled / scale)
        let fraction = Int(scaled - Double(whole) * scale)
        var text = (value < 0 && scaled > 0 ? "-" : "") + String(whole)
        if decimals > 0 {
            let digits = String(fraction)
            text += "." + String(repeating: "0", count: decimals - digits.count) + digits
        }
        return text
    }

    /// `12345678` bytes → `11.8 MiB`.
    public static func bytes(_ value: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var amount = Double(value)
        var unit = 0
        while amount >= 1024 && unit < units.count - 1 {
            amount /= 1024
            unit += 1
        }
        return unit == 0 ? "\(value) B" : fixed(amount, decimals: 1) + " " + units[unit]
    }

    /// A probability in scientific notation, `1.6E-6`, as TLC prints it.
    public static func scientific(_ value: Double) -> String {
        guard value > 0, value.isFinite else { return "0" }
        var exponent = 0
        var mantissa = value
        while mantissa < 1 { mantissa *= 10; exponent -= 1 }
        while mantissa >= 10 { mantissa /= 10; exponent += 1 }
        // Rounding to one decimal may carry into the exponent (9.96 → 10.0 → 1.0E+1).
        if (mantissa * 10).rounded() >= 100 {
            mantissa /= 10
            exponent += 1
        }
        return fixed(mantissa, decimals: 1) + "E" + String(exponent)
    }
}
