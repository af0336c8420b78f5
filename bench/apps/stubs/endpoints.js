// Stands in for @box-docgen/types/endpoints when the bench measures what the operation table
// costs in a bundle (bench/lib/size.js): the same exports, no data. Never run.
export const BOX_VERSION = '';
export const BASE_URL = '';
export const endpoints = {};
