// Stands in for @box-docgen/types/check when the bench measures what the request rules' checker
// costs in a bundle (bench/lib/size.js). Never run.
export const TYPES = {};
export const check = () => undefined;
