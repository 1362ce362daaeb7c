// Package misp reads and writes the MISP core format (events with their
// attributes, objects, tags, galaxies, sightings and reports) and MISP feeds,
// converts events to STIX 2.1 and back, and matches values against MISP
// warning lists.
//
// Nothing is lost on the way through: every property a type does not name is
// kept as raw JSON in its Extra map and written back; on the STIX side every
// MISP property STIX has no place for travels in x_misp_* custom properties,
// so ToSTIX followed by FromSTIX gives back the same event.
//
// The package holds no state and does no I/O beyond the readers, file
// systems and directories it is handed; storage and HTTP live elsewhere.
package misp
