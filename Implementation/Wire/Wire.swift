// The wire codec lives here (issue 4).
