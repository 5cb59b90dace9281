/// One named field of a state, rendered as text, for counterexamples that print only what changed.
public struct StateField: Sendable, Equatable, Codable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    /// The fields of any value, found by reflection: struct and tuple members by label, array
    /// elements by index, nested values flattened into dotted paths (`jn[2].promisedEpoch`).
    /// Leaves (numbers, strings, enums, optionals of those) are rendered with `String(describing:)`.
    public static func reflecting(_ value: Any) -> [StateField] {
        var fields: [StateField] = []
        flatten(value, path: "", depth: 0, into: &fields)
        return fields
    }

    /// Nesting deeper than this is rendered as one leaf.
    static let reflectionDepthMax = 8

    private static func flatten(_ value: Any, path: String, depth: Int, into fields: inout [StateField]) {
        let mirror = Mirror(reflecting: value)
        let isContainer = mirror.displayStyle == .struct || mirror.displayStyle == .tuple
            || mirror.displayStyle == .collection || mirror.displayStyle == .class
        guard isContainer, !mirror.children.isEmpty, depth < reflectionDepthMax else {
            fields.append(StateField(path.isEmpty ? "state" : path, render(value)))
            return
        }
        for (index, child) in mirror.children.enumerated() {
            let component: String
            if mirror.displayStyle == .collection {
                component = "[\(index)]"
            } else {
                let label = child.label ?? ".\(index)"
                component = path.isEmpty ? label : ".\(label)"
            }
            flatten(child.value, path: path + component, depth: depth + 1, into: &fields)
        }
    }

    private static func render(_ value: Any) -> String {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let wrapped = mirror.children.first else { return "nil" }
            return render(wrapped.value)
        }
        if mirror.displayStyle == .collection, mirror.children.isEmpty { return "[]" }
        return String(describing: value)
    }
}
