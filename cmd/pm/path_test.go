package main

import "testing"

func TestWithSbin(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"/usr/bin:/bin":                     "/usr/bin:/bin:/usr/sbin:/sbin",
		"/usr/local/bin:/usr/sbin:/usr/bin": "/usr/local/bin:/usr/sbin:/usr/bin:/sbin",
		"/usr/sbin/:/sbin:/bin":             "/usr/sbin/:/sbin:/bin",
		"":                                  "/usr/sbin:/sbin",
	} {
		if got := withSbin(in); got != want {
			t.Errorf("withSbin(%q) = %q, want %q", in, got, want)
		}
	}
}
