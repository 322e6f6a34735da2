/** Alias module: the DLMS driver imports the mode E sign-on from here. */
export { signOnModeE, type ModeEResult } from './mode-e';
