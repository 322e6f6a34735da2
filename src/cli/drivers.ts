/** The protocol drivers the CLI's engine uses: the one place that names them. */
export { createDriver } from '../engine/drivers';
