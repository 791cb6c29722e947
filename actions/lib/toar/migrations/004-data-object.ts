// Re-loading an object (reprocessing, or a corrected file under the same key) withdraws the rows it
// stored and no longer yields: they are found by their object, without reading the whole table.
export default /* sql */ `
CREATE INDEX data_object ON toar.data (object_id);
`;
