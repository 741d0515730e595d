package smtpmail

// SetHostname makes New see f as os.Hostname until restore is called.
func SetHostname(f func() (string, error)) (restore func()) {
	old := osHostname
	osHostname = f
	return func() { osHostname = old }
}
