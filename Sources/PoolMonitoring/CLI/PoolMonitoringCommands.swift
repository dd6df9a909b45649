// The pool monitor's command-line faces come with its system (HTTP/); the target exists because every system has one.
