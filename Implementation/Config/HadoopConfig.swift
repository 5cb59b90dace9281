// The Hadoop XML configuration lives here (issue 4).
