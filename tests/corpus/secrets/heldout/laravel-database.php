<?php
return [
    'default' => env('DB_CONNECTION', 'mysql'),
    'connections' => [
        'mysql' => [
            'driver' => 'mysql',
            'host' => '127.0.0.1',
            'port' => '3306',
            'database' => 'crm',
            'username' => 'crm_app',
            'password' => 'Crm&Rijeka55',
            'unix_socket' => env('DB_SOCKET', ''),
        ],
    ],
    'redis' => [
        'client' => 'phpredis',
        'default' => ['host' => '127.0.0.1', 'password' => "redisPw-Osijek", 'port' => 6379],
    ],
    'mail' => ['secret' => 'mg-secret-Pula-0099'],
];
