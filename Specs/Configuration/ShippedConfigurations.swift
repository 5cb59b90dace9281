/// The checker configurations that ship with QJM, by name: `qjm check --config NAME`.
///
/// Each is the text of a configuration file (see `CheckConfiguration`), so what `--config NAME`
/// runs is exactly what `--list-configs` prints.
public enum ShippedConfigurations {
    public static let all: [(name: String, text: String)] = [
        ("diehard", """
        # DieHard (tlaplus/Examples, specifications/DieHard). TLC: 16 distinct states, depth 8.
        example = diehard
        """),
        ("diehard-solve", """
        # DieHard with TLC's NotSolved invariant ("big /= 4") switched on: the checker must find
        # the shortest way to measure 4 gallons (a 7-state counterexample), as TLC does.
        example = diehard
        not-solved = 1
        """),
        ("twophase-bench", """
        # TwoPhase (tlaplus/Examples, specifications/TwoPhase) at the size of the checker benchmark.
        # TLC: 1,745,408 distinct states, 18,507,778 generated, depth 26.
        example = twophase
        rm = 8
        workers = 2
        """),
        ("paxos", """
        # Paxos (tlaplus/Examples, specifications/Paxos): 3 acceptors, 2 values, ballots 0..1.
        example = paxos
        acceptors = 3
        values = 2
        ballots = 2
        workers = 2
        """),
    ]

    /// The text of the shipped configuration `name`, or nil.
    public static func text(named name: String) -> String? { all.first { $0.name == name }?.text }
}
