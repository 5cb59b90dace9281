import XCTest

// Tests arrive with the module (issue 4).
