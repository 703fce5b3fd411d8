// Package importing holds the pure parts of importing contacts from CSV and
// XLSX files: reading rows, mapping columns to party fields, turning each row
// into a party with a per-row problem report, finding duplicates within the
// file and fingerprinting the file so a re-upload is recognised.
//
// Checking against parties already stored, and creating them, belongs to the
// service that calls this package.
package importing
