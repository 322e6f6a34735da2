/**
 * COSEM interface classes (IEC 62056-6-2 / DLMS UA Blue Book): names of attributes and methods, the
 * short-name offsets, and which attribute carries the scaler_unit of which value.
 */
import { MeterError } from '../../core/errors';

export interface ClassMember {
  id: number;
  name: string;
}

export interface CosemClass {
  id: number;
  name: string;
  /** The version this table describes (the newest one commonly met in meters). */
  version: number;
  attributes: ClassMember[];
  methods: ClassMember[];
  /**
   * SN referencing: offset of method 1 from the base name (method n at base + first + 8*(n-1)).
   * Undefined when the class has no methods or the offset is not known here.
   */
  snFirstMethod?: number;
  /** True where the SN method offset is not taken from the class description (see docs). */
  snMethodUnverified?: boolean;
}

function members(list: string): ClassMember[] {
  return list === '' ? [] : list.split(' ').map((name, i) => ({ id: i + 1, name }));
}

function def(id: number, name: string, version: number, attrs: string, methods: string, snFirstMethod?: number, unverified?: boolean): CosemClass {
  const c: CosemClass = { id, name, version, attributes: members('logical_name' + (attrs ? ' ' + attrs : '')), methods: members(methods) };
  if (snFirstMethod !== undefined) c.snFirstMethod = snFirstMethod;
  if (unverified) c.snMethodUnverified = true;
  return c;
}

const CLASSES: CosemClass[] = [
  def(1, 'Data', 0, 'value', ''),
  def(3, 'Register', 0, 'value scaler_unit', 'reset', 0x28),
  def(4, 'Extended register', 0, 'value scaler_unit status capture_time', 'reset', 0x38),
  def(
    5,
    'Demand register',
    0,
    'current_average_value last_average_value scaler_unit status capture_time start_time_current period number_of_periods',
    'reset next_period',
    0x48,
  ),
  def(6, 'Register activation', 0, 'register_assignment mask_list active_mask', 'add_register add_mask delete_mask', 0x30),
  def(
    7,
    'Profile generic',
    1,
    'buffer capture_objects capture_period sort_method sort_object entries_in_use profile_entries',
    // Methods 3 and 4 exist only in version 0 (superseded by selective access on the buffer).
    'reset capture get_buffer_by_range get_buffer_by_index',
    0x58,
  ),
  def(
    8,
    'Clock',
    0,
    'time time_zone status daylight_savings_begin daylight_savings_end daylight_savings_deviation daylight_savings_enabled clock_base',
    'adjust_to_quarter adjust_to_measuring_period adjust_to_minute adjust_to_preset_time preset_adjusting_time shift_time',
    0x60,
  ),
  def(9, 'Script table', 0, 'scripts', 'execute', 0x20),
  def(11, 'Special days table', 0, 'entries', 'insert delete', 0x10),
  def(
    12,
    'Association SN',
    4,
    'object_list access_rights_list security_setup_reference user_list current_user',
    'reserved_1 reserved_2 read_by_logical_name get_attributes_and_methods change_LLS_secret change_HLS_secret reserved_7 reply_to_HLS_authentication add_user remove_user',
    0x20,
  ),
  def(
    15,
    'Association LN',
    3,
    'object_list associated_partners_id application_context_name xDLMS_context_info authentication_mechanism_name secret association_status security_setup_reference user_list current_user',
    'reply_to_HLS_authentication change_HLS_secret add_object remove_object add_user remove_user',
    0x60,
  ),
  def(17, 'SAP assignment', 0, 'SAP_assignment_list', 'connect_logical_device', 0x20),
  def(19, 'IEC local port setup', 1, 'default_mode default_baud prop_baud response_time device_addr pass_p1 pass_p2 pass_w5', ''),
  def(
    20,
    'Activity calendar',
    0,
    'calendar_name_active season_profile_active week_profile_table_active day_profile_table_active calendar_name_passive season_profile_passive week_profile_table_passive day_profile_table_passive activate_passive_calendar_time',
    'activate_passive_calendar',
    0x50,
  ),
  def(21, 'Register monitor', 0, 'thresholds monitored_value actions', ''),
  def(22, 'Single action schedule', 0, 'executed_script type execution_time', ''),
  def(
    23,
    'IEC HDLC setup',
    1,
    'comm_speed window_size_transmit window_size_receive max_info_field_length_transmit max_info_field_length_receive inter_octet_time_out inactivity_time_out device_address',
    '',
  ),
  def(
    40,
    'Push setup',
    0,
    'push_object_list send_destination_and_method communication_window randomisation_start_interval number_of_retries repetition_delay',
    'push',
    0x38,
    true,
  ),
  def(41, 'TCP-UDP setup', 0, 'TCP-UDP_port IP_reference MSS nb_of_sim_conn inactivity_time_out', ''),
  def(
    42,
    'IPv4 setup',
    0,
    'DL_reference IP_address multicast_IP_address IP_options subnet_mask gateway_IP_address use_DHCP_flag primary_DNS_address secondary_DNS_address',
    'add_mc_IP_address delete_mc_IP_address get_nbof_mc_IP_addresses',
    0x60,
    true,
  ),
  def(
    64,
    'Security setup',
    1,
    'security_policy security_suite client_system_title server_system_title certificates',
    'security_activate key_transfer key_agreement generate_key_pair generate_certificate_request import_certificate export_certificate remove_certificate',
    0x30,
    true,
  ),
  def(70, 'Disconnect control', 0, 'output_state control_state control_mode', 'remote_disconnect remote_reconnect', 0x20),
];

const BY_ID = new Map(CLASSES.map((c) => [c.id, c]));

/** Class description, or undefined for a class this table does not know. */
export function cosemClass(classId: number): CosemClass | undefined {
  return BY_ID.get(classId);
}

export function knownClasses(): readonly CosemClass[] {
  return CLASSES;
}

export function className(classId: number): string {
  return BY_ID.get(classId)?.name ?? `class ${classId}`;
}

export function attributeName(classId: number, attribute: number): string {
  return BY_ID.get(classId)?.attributes[attribute - 1]?.name ?? `attribute ${attribute}`;
}

export function methodName(classId: number, method: number): string {
  return BY_ID.get(classId)?.methods[method - 1]?.name ?? `method ${method}`;
}

/** SN address of attribute n: base + 8*(n-1). */
export function snAttributeAddress(baseName: number, attribute: number): number {
  if (!Number.isInteger(attribute) || attribute < 1) throw new MeterError('OBJECT_UNDEFINED', `Attribute ${attribute} does not exist.`);
  return (baseName + 8 * (attribute - 1)) & 0xffff;
}

/** SN address of method n of a class: base + first method offset + 8*(n-1). */
export function snMethodAddress(baseName: number, classId: number, method: number): number {
  const c = BY_ID.get(classId);
  if (!c || c.snFirstMethod === undefined) {
    throw new MeterError('UNSUPPORTED', `The short-name method offset of ${className(classId)} is not known.`);
  }
  if (!Number.isInteger(method) || method < 1 || method > c.methods.length) {
    throw new MeterError('OBJECT_UNDEFINED', `${c.name} has no method ${method}.`);
  }
  return (baseName + c.snFirstMethod + 8 * (method - 1)) & 0xffff;
}

/**
 * Attribute holding the scaler_unit for a value attribute: Register and Extended register attr 3
 * (for attr 2), Demand register attr 4 (for attrs 2 and 3). Undefined when the value is not scaled.
 */
export function scalerAttributeFor(classId: number, attribute: number): number | undefined {
  if ((classId === 3 || classId === 4) && attribute === 2) return 3;
  if (classId === 5 && (attribute === 2 || attribute === 3)) return 4;
  return undefined;
}

/** Attributes whose value is a date-time carried as a 12-byte octet-string. */
export function isDateTimeAttribute(classId: number, attribute: number): boolean {
  switch (classId) {
    case 4:
      return attribute === 5;
    case 5:
      return attribute === 6 || attribute === 7;
    case 8:
      return attribute === 2 || attribute === 5 || attribute === 6;
    case 20:
      return attribute === 10;
    default:
      return false;
  }
}
