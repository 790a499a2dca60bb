<?php
/* phpMyAdmin configuration (config.inc.php) from the client's old server */
$cfg['blowfish_secret'] = 'k8Ls2Qw9Ez4Rt7Yu1Io6Pa3Sd5Fg0Hj2K';
$i = 0;
$i++;
$cfg['Servers'][$i]['auth_type'] = 'config';
$cfg['Servers'][$i]['host'] = 'localhost';
$cfg['Servers'][$i]['user'] = 'root';
$cfg['Servers'][$i]['password'] = 'MariaRoot!Split';
$cfg['Servers'][$i]['controluser'] = 'pma';
$cfg['Servers'][$i]['controlpass'] = 'pmaCtrl_4455';
$cfg['Servers'][$i]['AllowNoPassword'] = false;
$cfg['UploadDir'] = '';
$cfg['SaveDir'] = '';
$cfg['DefaultLang'] = 'hr';
