// The JournalNode storage lives here (issue 4).
