package libpod

// PMCommand is this pm binary with the global options that locate the
// same state, for the helper processes the engine starts (the build
// reaper).
func (r *Runtime) PMCommand() ([]string, error) { return r.pmCommand("") }
