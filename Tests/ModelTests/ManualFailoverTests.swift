import XCTest
@testable import Model

/// `haadmin -failover` against `FailoverController.failover(from, to, forceFence, forceActive)`
/// (reference §5.6 and §6.5). NameNode 0 is `<from>`, NameNode 1 is `<to>`.
final class ManualFailoverTests: XCTestCase {
    private static func start(forceFence: Bool = false, fencingMethods: Int = 2, mutation: Mutation? = nil)
        -> (ManualFailover, [ManualFailover.Effect]) {
        ManualFailover.start(from: 0, to: 1, forceFence: forceFence, forceActive: false, fencingMethods: fencingMethods,
                             mutation: mutation)
    }

    /// A run past the pre-failover checks, waiting for the graceful fence of NameNode 0.
    private static func checked(forceFence: Bool = false, fencingMethods: Int = 2, mutation: Mutation? = nil)
        -> ManualFailover {
        var (run, _) = start(forceFence: forceFence, fencingMethods: fencingMethods, mutation: mutation)
        XCTAssertEqual(run.step(.serviceState(1, .standby)), [.transitionToStandby(0)])
        return run
    }

    private static func finished(_ effects: [ManualFailover.Effect]) -> (Bool, String)? {
        for case .finished(let success, let message) in effects { return (success, message) }
        return nil
    }

    private static func fences(_ effects: [ManualFailover.Effect]) -> [ManualFailover.Effect] {
        effects.filter { if case .fence = $0 { true } else { false } }
    }

    private static func withoutLogs(_ effects: [ManualFailover.Effect]) -> [ManualFailover.Effect] {
        effects.filter { if case .log = $0 { false } else { true } }
    }

    private typealias Tests = ManualFailoverTests

    /// After `<to>` failed to become active: the fail-back's first steps up to its graceful fence of
    /// `<to>`. Upstream's fail-back first checks `<from>` (see
    /// `testTheFailbackStartsWithThePreFailoverChecksOfTheOldActive`); that check, if asked, is
    /// answered "standby" so these tests follow the rest of the fail-back either way.
    private static func failBackToGracefulFence(_ run: inout ManualFailover, _ effects: [ManualFailover.Effect],
                                                file: StaticString = #filePath, line: UInt = #line) {
        var effects = effects
        if effects.contains(.getServiceStatus(0)) { effects = run.step(.serviceState(0, .standby)) }
        XCTAssertEqual(withoutLogs(effects), [.transitionToStandby(1)], file: file, line: line)
        XCTAssertEqual(run.awaitedNameNode, 1, file: file, line: line)
    }

    // MARK: - Step 1 and 2: arguments and pre-failover checks

    /// failover step 1: "checkArgument(from.getFencer() != null, "failover requires a fencer")",
    /// printed as "Illegal argument: failover requires a fencer" — checked before anything else.
    func testFailoverRequiresAFencer() {
        let (run, effects) = Tests.start(fencingMethods: 0)
        XCTAssertEqual(effects, [.finished(success: false, message: "Illegal argument: failover requires a fencer")])
        XCTAssertTrue(run.isFinished)
        let (_, toItself) = ManualFailover.start(from: 0, to: 0, forceFence: false, forceActive: false, fencingMethods: 0)
        XCTAssertEqual(toItself, [.finished(success: false, message: "Illegal argument: failover requires a fencer")])
    }

    /// preFailoverChecks: "same address → "Can't failover a service to itself"".
    func testFailoverToItselfIsRefused() {
        let (run, effects) = ManualFailover.start(from: 1, to: 1, forceFence: false, forceActive: false, fencingMethods: 1)
        XCTAssertEqual(effects, [.finished(success: false, message: "Can't failover a service to itself")])
        XCTAssertTrue(run.isFinished)
    }

    /// preFailoverChecks: "getServiceStatus(to) fails → "Unable to get service state for <to>"".
    func testAnUnreachableTargetIsRefused() {
        var (run, effects) = Tests.start()
        XCTAssertEqual(effects, [.getServiceStatus(1)])
        XCTAssertEqual(run.awaitedNameNode, 1)
        XCTAssertEqual(run.step(.serviceState(1, nil)),
                       [.finished(success: false, message: "Unable to get service state for 1")])
        XCTAssertTrue(run.isFinished)
        XCTAssertNil(run.awaitedNameNode)
    }

    /// preFailoverChecks: "to not standby → "Can't failover to an <state> service"" (state printed
    /// lower case, e.g. `active`); nothing is fenced or transitioned.
    func testATargetThatIsNotStandbyIsRefused() {
        for state in [HAServiceState.active, .initializing, .stopping] {
            var (run, _) = Tests.start()
            XCTAssertEqual(run.step(.serviceState(1, state)),
                           [.finished(success: false, message: "Can't failover to an \(state.rawValue) service")])
        }
        var (run, _) = Tests.start()
        XCTAssertEqual(run.step(.serviceState(1, .active)),
                       [.finished(success: false, message: "Can't failover to an active service")])
    }

    /// A state machine hears only the answer it waits for: another NameNode's answer, a fencing
    /// result with no fencing running, or a transition result in the wrong phase change nothing.
    func testUnrelatedInputsAreIgnored() {
        var (run, _) = Tests.start()
        XCTAssertEqual(run.step(.serviceState(0, .standby)), [])
        XCTAssertEqual(run.step(.transitionResult(0, failure: nil)), [])
        XCTAssertEqual(run.step(.fenceResult(method: 0, success: true)), [])
        XCTAssertEqual(run.phase, .checkingTarget)
        var checked = Tests.checked()
        XCTAssertEqual(checked.step(.transitionResult(1, failure: nil)), [])
        XCTAssertEqual(checked.phase, .gracefulFence)
    }

    // MARK: - Steps 3 and 4: graceful fence, then fencing

    /// "Graceful fence: transitionToStandby(from)"; "A graceful failover without --forcefence does not
    /// run the fencer". Then transitionToActive(to); success prints "Failover from <a> to <b> successful".
    func testAGracefulSuccessSkipsFencing() {
        var run = Tests.checked()
        XCTAssertEqual(run.awaitedNameNode, 0)
        let effects = run.step(.transitionResult(0, failure: nil))
        XCTAssertEqual(Tests.withoutLogs(effects), [.transitionToActive(1, forced: false)])
        XCTAssertEqual(run.awaitedNameNode, 1)
        XCTAssertEqual(run.step(.transitionResult(1, failure: nil)),
                       [.finished(success: true, message: "Failover from 0 to 1 successful")])
        XCTAssertFalse(run.fenced)
    }

    /// "Fence with the fencer when the graceful step failed"; NodeFencer: "Methods are tried in order;
    /// the first returning true wins (so shell(false) followed by shell(true) succeeds after running
    /// both)". Only then is the target made active.
    func testAGracefulFailureRunsTheFencingMethodsInOrder() {
        var run = Tests.checked()
        let graceful = run.step(.transitionResult(0, failure: "timed out"))
        XCTAssertEqual(Tests.withoutLogs(graceful), [.fence(0, method: 0)])
        XCTAssertTrue(graceful.contains(.log("====== Beginning Service Fencing Process... ======")))
        XCTAssertEqual(run.awaitedFenceMethod, 0)
        XCTAssertNil(run.awaitedNameNode)
        XCTAssertEqual(run.step(.fenceResult(method: 1, success: true)), [])  // not the method running
        XCTAssertEqual(Tests.withoutLogs(run.step(.fenceResult(method: 0, success: false))), [.fence(0, method: 1)])
        XCTAssertEqual(run.awaitedFenceMethod, 1)
        XCTAssertEqual(Tests.withoutLogs(run.step(.fenceResult(method: 1, success: true))),
                       [.transitionToActive(1, forced: false)])
        XCTAssertTrue(run.fenced)
        XCTAssertEqual(run.step(.transitionResult(1, failure: nil)),
                       [.finished(success: true, message: "Failover from 0 to 1 successful")])
    }

    /// "fencing failure → "Unable to fence <from>. Fencing failed."" — and the target is never asked
    /// to become active.
    func testWhenEveryFencingMethodFailsTheFailoverFails() {
        var run = Tests.checked()
        _ = run.step(.transitionResult(0, failure: "refused"))
        _ = run.step(.fenceResult(method: 0, success: false))
        let effects = run.step(.fenceResult(method: 1, success: false))
        XCTAssertEqual(Tests.withoutLogs(effects), [.finished(success: false, message: "Unable to fence 0. Fencing failed.")])
        XCTAssertTrue(run.isFinished)
        XCTAssertFalse(run.fenced)
    }

    /// "Fence with the fencer when the graceful step failed **or** --forcefence was given".
    func testForceFenceFencesEvenAfterAGracefulSuccess() {
        var run = Tests.checked(forceFence: true)
        XCTAssertEqual(Tests.withoutLogs(run.step(.transitionResult(0, failure: nil))), [.fence(0, method: 0)])
        XCTAssertEqual(Tests.withoutLogs(run.step(.fenceResult(method: 0, success: true))),
                       [.transitionToActive(1, forced: false)])
        XCTAssertTrue(run.fenced)
    }

    /// `Mutation.breadcrumbNotFenced`: the old active is never fenced — not after a failed graceful
    /// step, not with --forcefence; the target is made active at once.
    func testBreadcrumbNotFencedSkipsFencing() {
        for forceFence in [false, true] {
            for failure in [nil, "timed out"] as [String?] where forceFence || failure != nil {
                var correct = Tests.checked(forceFence: forceFence)
                XCTAssertEqual(Tests.withoutLogs(correct.step(.transitionResult(0, failure: failure))), [.fence(0, method: 0)])
                var mutant = Tests.checked(forceFence: forceFence, mutation: .breadcrumbNotFenced)
                let effects = mutant.step(.transitionResult(0, failure: failure))
                XCTAssertEqual(Tests.fences(effects), [])
                XCTAssertEqual(Tests.withoutLogs(effects), [.transitionToActive(1, forced: false)])
                XCTAssertFalse(mutant.fenced)
            }
        }
        // Where no fencing is due, the mutant behaves as the correct controller.
        var mutant = Tests.checked(mutation: .breadcrumbNotFenced)
        XCTAssertEqual(Tests.withoutLogs(mutant.step(.transitionResult(0, failure: nil))), [.transitionToActive(1, forced: false)])
    }

    // MARK: - Step 5: activation and fail-back

    /// "On failure, if from was *not* fenced, fail back with failover(to, from, forceFence=true,
    /// forceActive=true)"; the fail-back fences `<to>` unconditionally and forces `<from>` active.
    /// "Message "Unable to failover to <to>"" when the fail-back succeeded.
    func testAnActivationFailureAfterAGracefulFenceFailsBack() {
        var run = Tests.checked()
        _ = run.step(.transitionResult(0, failure: nil))
        let failed = run.step(.transitionResult(1, failure: "Failed to start active services"))
        XCTAssertEqual(run.phase, .failingBack)
        XCTAssertNil(Tests.finished(failed))
        XCTAssertFalse(failed.contains(.transitionToActive(1, forced: false)))
        // The fail-back's graceful fence of <to>, then (forced) fencing of <to>, then <from> active.
        Tests.failBackToGracefulFence(&run, failed)
        let afterGraceful = run.step(.transitionResult(1, failure: nil))
        XCTAssertEqual(Tests.withoutLogs(afterGraceful), [.fence(1, method: 0)])
        XCTAssertEqual(run.awaitedFenceMethod, 0)
        XCTAssertEqual(Tests.withoutLogs(run.step(.fenceResult(method: 0, success: true))),
                       [.transitionToActive(0, forced: true)])
        XCTAssertEqual(run.awaitedNameNode, 0)
        XCTAssertEqual(run.step(.transitionResult(0, failure: nil)),
                       [.finished(success: false, message: "Unable to failover to 1")])
        XCTAssertTrue(run.isFinished)
    }

    /// The fail-back is a whole `failover(toSvc, fromSvc, true, true)`, so it starts with
    /// `preFailoverChecks(to, from, forceActive=true)`: `getServiceStatus(<from>)` — forceActive only
    /// waives the readiness check. If `<from>` cannot be reached the fail-back fails there, before
    /// fencing `<to>`: "Unable to failover to 1. Failback to 0 failed (Unable to get service state for 0)".
    func testTheFailbackStartsWithThePreFailoverChecksOfTheOldActive() {
        var run = Tests.checked()
        _ = run.step(.transitionResult(0, failure: nil))
        let failed = run.step(.transitionResult(1, failure: "Failed to start active services"))
        XCTAssertEqual(Tests.withoutLogs(failed), [.getServiceStatus(0)])
        let unreachable = run.step(.serviceState(0, nil))
        XCTAssertEqual(Tests.fences(unreachable), [])
        XCTAssertEqual(Tests.finished(unreachable)?.1, "Unable to failover to 1. Failback to 0 failed (Unable to get service state for 0)")
    }

    /// "Unable to failover to <to>" + "". Failback to <from> failed (<msg>)"" when the fail-back fails,
    /// here because fencing `<to>` failed.
    func testAFailedFailbackIsReported() {
        var run = Tests.checked(fencingMethods: 1)
        _ = run.step(.transitionResult(0, failure: nil))
        let failed = run.step(.transitionResult(1, failure: "Failed to start active services"))
        Tests.failBackToGracefulFence(&run, failed)
        _ = run.step(.transitionResult(1, failure: nil))
        let effects = run.step(.fenceResult(method: 0, success: false))
        XCTAssertEqual(Tests.finished(effects)?.0, false)
        XCTAssertEqual(Tests.finished(effects)?.1, "Unable to failover to 1. Failback to 0 failed (Unable to fence 1. Fencing failed.)")
        XCTAssertTrue(run.isFinished)
    }

    /// The fail-back's own activation failing: "Failback to <from> failed (<msg>)" wraps the inner
    /// failover's message, and there is no second fail-back.
    func testAFailbackWhoseActivationFailsIsReported() {
        var run = Tests.checked()
        _ = run.step(.transitionResult(0, failure: nil))
        let failed = run.step(.transitionResult(1, failure: "Failed to start active services"))
        Tests.failBackToGracefulFence(&run, failed)
        _ = run.step(.transitionResult(1, failure: nil))
        _ = run.step(.fenceResult(method: 0, success: true))
        let effects = run.step(.transitionResult(0, failure: "refused"))
        let message = Tests.finished(effects)?.1 ?? ""
        XCTAssertTrue(message.hasPrefix("Unable to failover to 1. Failback to 0 failed (Unable to failover to 0"), message)
        XCTAssertTrue(message.hasSuffix(")"), message)
        XCTAssertEqual(Tests.finished(effects)?.0, false)
        XCTAssertFalse(effects.contains(.transitionToStandby(0)))
        XCTAssertTrue(run.isFinished)
    }

    /// "Only try to failback if we didn't fence fromSvc": after fencing (graceful failure or
    /// --forcefence) an activation failure ends the failover with "Unable to failover to <to>" — the
    /// cause is chained to the FailoverFailedException, not part of its message.
    func testAnActivationFailureAfterFencingDoesNotFailBack() {
        for forceFence in [false, true] {
            var run = Tests.checked(forceFence: forceFence)
            _ = run.step(.transitionResult(0, failure: forceFence ? nil : "timed out"))
            _ = run.step(.fenceResult(method: 0, success: true))
            let effects = run.step(.transitionResult(1, failure: "Failed to start active services"))
            XCTAssertEqual(Tests.withoutLogs(effects).count, 1)
            XCTAssertEqual(Tests.finished(effects)?.0, false)
            XCTAssertEqual(Tests.finished(effects)?.1, "Unable to failover to 1")
            XCTAssertTrue(run.isFinished)
        }
    }

    // MARK: - Whom a run may still call

    /// The checker restarts a dead NameNode late, unless the run in progress may still call it
    /// (a stopped process refuses a call a fresh standby answers): `mayCall` follows the run.
    func testARunMayCallItsTargetUntilItEndsAndTheOldActiveUntilItIsFenced() {
        func calls(_ run: ManualFailover) -> [Bool] { [run.mayCall(0), run.mayCall(1), run.mayCall(2)] }
        var (run, _) = Tests.start()
        XCTAssertEqual(calls(run), [true, true, false], "checking the target; the graceful fence asks the old active")
        _ = run.step(.serviceState(1, .standby))
        XCTAssertEqual(calls(run), [true, true, false], "the graceful fence")
        _ = run.step(.transitionResult(0, failure: "Connection refused"))
        XCTAssertEqual(calls(run), [false, true, false], "fencing: only the activation of the target is left")
        _ = run.step(.fenceResult(method: 0, success: true))
        XCTAssertEqual(calls(run), [false, true, false], "activating after fencing: no fail-back")
        _ = run.step(.transitionResult(1, failure: nil))
        XCTAssertEqual(calls(run), [false, false, false], "finished")

        // Gracefully fenced, the old active may be asked to take over again by a fail-back.
        var graceful = Tests.checked()
        _ = graceful.step(.transitionResult(0, failure: nil))
        XCTAssertEqual(calls(graceful), [true, true, false])
        let failed = graceful.step(.transitionResult(1, failure: "Failed to start active services"))
        Tests.failBackToGracefulFence(&graceful, failed)
        XCTAssertEqual(calls(graceful), [true, true, false], "the fail-back fences the target, then activates the old active")
        _ = graceful.step(.transitionResult(1, failure: nil))
        XCTAssertEqual(calls(graceful), [true, false, false], "the fail-back fences the failed target")
        _ = graceful.step(.fenceResult(method: 0, success: true))
        XCTAssertEqual(calls(graceful), [true, false, false], "a fail-back does not fail back again")
    }
}
