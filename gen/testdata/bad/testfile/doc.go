// Package testfile declares a flow in a test file.
package testfile
