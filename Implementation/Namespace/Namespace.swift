// The NameNode namespace lives here (issue 4).
