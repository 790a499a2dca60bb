<?php
/**
 * WordPress configuration of klijent-primjer.hr (copied from the server for the ticket).
 */
define('DB_NAME', 'klijent_wp');
define('DB_USER', 'klijent_admin');
define('DB_PASSWORD', "Zagreb#2024xq");
define('DB_HOST', 'localhost:3306');
define('DB_CHARSET', 'utf8mb4');

define('AUTH_KEY',         'u8#Kp2!vQz@9Lr$3Wm^6Tn&1Yb*4Hc(7');
define('SECURE_AUTH_KEY',  'mE5%rT8^yU1&iO4*pA7(sD0)fG3+hJ6!');
define('NONCE_SALT',       'zX2!cV5@bN8#mQ1$wE4%rT7^yU0&iO3*');

$table_prefix = 'wp_kp_';
define('WP_DEBUG', true);
define('WP_DEBUG_LOG', '/var/www/klijent/logs/debug.log');
define('FTP_USER', 'klijent_ftp');
define('FTP_PASS', 'Ftp-Split2023!');
define('FTP_HOST', 'ftp.klijent-primjer.hr');
define('WP_REDIS_PASSWORD', 'r3d1s_L0cal_77');
define('WP_HOME', 'https://klijent-primjer.hr');
if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}
require_once ABSPATH . 'wp-settings.php';
