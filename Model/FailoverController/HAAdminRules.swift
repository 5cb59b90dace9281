/// The checks `haadmin` makes before it changes a NameNode's state (upstream `HAAdmin`): which
/// transitions an operator's command may ask for. They are decisions, so they live here; the
/// tool asks and prints.
public enum HAAdminRules {
    /// `-transitionToActive <target>` without `--forceactive` is refused while another NameNode
    /// is active, or when another cannot be asked (`HAAdmin.isOtherTargetNodeActive`).
    /// `others` holds each other NameNode's id and its state (nil: the call failed, with `error`).
    public static func transitionToActiveRefusal(others: [(id: String, state: HAServiceState?, error: String?)],
                                                 forceActive: Bool) -> String? {
        guard !forceActive else { return nil }
        for other in others {
            if let error = other.error, other.state == nil { return "Unexpected error occurred  \(error)" }
            if other.state == .active { return "transitionToActive: Node \(other.id) is already active" }
        }
        return nil
    }

    /// A state-changing command against a NameNode with automatic failover is refused unless
    /// `--forcemanual` was given (`HAAdmin.checkManualStateManagementOK`).
    public static func manualManagementRefusal(target: String, automaticFailover: Bool, forceManual: Bool) -> String? {
        guard automaticFailover, !forceManual else { return nil }
        return "Automatic failover is enabled for \(target)\nRefusing to manually manage HA state, since it may cause\n"
            + "a split-brain scenario or other incorrect state.\nIf you are very sure you know what you are doing, please \n"
            + "specify the --forcemanual flag."
    }

    /// The source a manual transition is sent with: forced when `--forcemanual` overrides
    /// automatic failover (the NameNode accepts `REQUEST_BY_USER_FORCED` then).
    public static func requestSource(automaticFailover: Bool, forceManual: Bool) -> HARequestSource {
        automaticFailover && forceManual ? .userForced : .user
    }
}
