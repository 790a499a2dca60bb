<?php
/**
 * The base configuration for WordPress
 *
 * @package WordPress
 */

// ** Database settings - You can get this info from your web host ** //
/** The name of the database for WordPress */
define( 'DB_NAME', 'exampleshop_wp' );

/** Database username */
define( 'DB_USER', 'exampleshop_wpuser' );

/** Database password */
define( 'DB_PASSWORD', 'r7$Tq!9vLm#2xPz' );

/** Database hostname */
define( 'DB_HOST', 'localhost' );

/** Database charset to use in creating database tables. */
define( 'DB_CHARSET', 'utf8mb4' );

/** The database collate type. Don't change this if in doubt. */
define( 'DB_COLLATE', '' );

/**#@+
 * Authentication unique keys and salts.
 */
define( 'AUTH_KEY',         'Xq@4|H&9kz;W5{mR^v2#Lt8!pB6(sN1*eD3)gJ7+yC0' );
define( 'SECURE_AUTH_KEY',  'f2L#8x!Qm^4Zr@7Kp&1Wd*9Bt(3Hs)6Jv+0Nc=5Yg~' );
define( 'LOGGED_IN_KEY',    'P9z%Ue6_Rk2$Hq8#Nw4!Ty0&Lb7@Xm3^Dc5*Vf1(Gs' );
define( 'NONCE_KEY',        'k3E!x8Q#m1Z@r6W$p9T^v4Y&b7N*s2H(d5J)g0L+c' );
define( 'AUTH_SALT',        'A8s!D3f#G6h@J1k$L4z^X7c&V2b*N5m(Q9w)E0r+T' );
define( 'SECURE_AUTH_SALT', 'y6U!i1O#p4A@s9D$f2G^h7J&k0L*z3X(c8V)b5N+m' );
define( 'LOGGED_IN_SALT',   'Q2w!E7r#T0y@U5i$O8p^A3s&D6f*G1h(J4k)L9z+X' );
define( 'NONCE_SALT',       'c5V!b0N#m3Q@w8E$r1T^y6U&i9O*p4A(s7D)f2G+h' );

/** Mail through the provider's SMTP server (WP Mail SMTP) */
define( 'WPMS_ON', true );
define( 'WPMS_SMTP_HOST', 'mail.example-shop.gr' );
define( 'WPMS_SMTP_USER', 'shop@example-shop.gr' );
define( 'WPMS_SMTP_PASS', 'Mail!Shop-2026' );

$table_prefix = 'wp_';

define( 'WP_DEBUG', false );

if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}

require_once ABSPATH . 'wp-settings.php';
