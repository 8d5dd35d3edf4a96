package main

// Each noun package adds its commands here, one line each.
func init() {
	registrars = append(registrars)
}
