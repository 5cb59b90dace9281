extension Optional {
    /// Whether this is nil, read from the tag alone. `x == nil` on an optional whose payload is
    /// Equatable (a `Writer`, a `ReadRound`) compiles to the payload's `==`: both sides are copied
    /// into a tuple, retaining and releasing every array the payload holds, and the model asks
    /// this of a NameNode on nearly every step.
    @inlinable @inline(__always)
    public var isNil: Bool {
        if case .none = self { return true }
        return false
    }
}
