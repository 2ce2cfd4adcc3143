"""What a reader takes away: maps, charts, exports, the brief, the action sheet, map pictures, rounds."""
